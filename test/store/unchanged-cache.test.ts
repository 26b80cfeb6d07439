import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openStore } from '../../src/store/open.js';
import { UnchangedCache } from '../../src/store/sql/unchanged-cache.js';
import type { ClientRecord } from '../../src/store/types.js';

const root = mkdtempSync(join(tmpdir(), 'bulwark-unchanged-'));
after(() => rmSync(root, { recursive: true, force: true }));

const client = (id: string): ClientRecord => ({
  id,
  name: 'job',
  authMethod: 'client_secret',
  secretHash: 'h1',
  jwks: null,
  jwksUri: null,
  scopes: ['payroll:read'],
  audiences: ['payroll'],
  introspection: true,
  disabled: false,
  createdAt: 1_000,
  updatedAt: 1_000,
  secretIssuedAt: 1_000,
});

describe('UnchangedCache', () => {
  it('answers from memory only while both markers say nothing changed', async () => {
    let version = 1;
    let generation = 1;
    let loads = 0;
    const cache = new UnchangedCache<string>(
      () => version,
      () => generation,
    );
    const load = async () => `row${++loads}`;
    assert.equal(await cache.read('a', load), 'row1');
    assert.equal(await cache.read('a', load), 'row1');
    version = 2; // another connection committed
    assert.equal(await cache.read('a', load), 'row2');
    generation = 2; // this connection wrote the table
    assert.equal(await cache.read('a', load), 'row3');
    assert.equal(await cache.read('a', load), 'row3');
    assert.equal(loads, 3);
  });

  it('keeps nothing read while a write ran, nor an unknown key, and stays bounded', async () => {
    let generation = 1;
    const cache = new UnchangedCache<string>(
      () => 1,
      () => generation,
      2,
    );
    let loads = 0;
    assert.equal(
      await cache.read('a', async () => {
        loads++;
        generation++; // a write of this process lands while the row is read
        return 'old';
      }),
      'old',
    );
    assert.equal(await cache.read('a', async () => `new${++loads}`), 'new2');
    assert.equal(await cache.read('missing', async () => undefined), undefined);
    await cache.read('b', async () => 'b');
    await cache.read('c', async () => 'c');
    assert.equal(cache.size, 2);
  });
});

describe('sqlite clients: kept while unchanged, never stale', () => {
  it('sees every write: its own, and another connection’s (a second instance, the CLI)', async () => {
    const dataDir = join(root, 'two', 'data');
    const a = await openStore({ dataDir });
    const b = await openStore({ dataDir });
    try {
      await a.clients.create(client('bcl_1'));
      assert.equal((await a.clients.findById('bcl_1'))?.secretHash, 'h1');
      assert.equal((await a.clients.findById('bcl_1'))?.secretHash, 'h1');

      // Another connection disables it: the next read here says so.
      await b.clients.update('bcl_1', { disabled: true, updatedAt: 2_000 });
      assert.equal((await a.clients.findById('bcl_1'))?.disabled, true);

      // A write of this store (secret rotation), then one by raw SQL from the other connection.
      await a.clients.update('bcl_1', { secretHash: 'h2', secretIssuedAt: 3_000, updatedAt: 3_000 });
      assert.equal((await a.clients.findById('bcl_1'))?.secretHash, 'h2');
      await sql`update oauth_clients set secret_hash = 'h3' where id = 'bcl_1'`.execute(b.db);
      assert.equal((await a.clients.findById('bcl_1'))?.secretHash, 'h3');

      // An unknown id is not remembered as unknown.
      assert.equal(await a.clients.findById('bcl_2'), undefined);
      await b.clients.create(client('bcl_2'));
      assert.equal((await a.clients.findById('bcl_2'))?.id, 'bcl_2');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('answers from memory between writes, and its records are frozen', async () => {
    const store = await openStore({ dataDir: join(root, 'one', 'data') });
    try {
      await store.clients.create(client('bcl_1'));
      const first = await store.clients.findById('bcl_1');
      assert.ok(first !== undefined && Object.isFrozen(first) && Object.isFrozen(first.scopes));
      assert.throws(() => first.scopes.push('payroll:write'), TypeError);
      // Answered from memory: the same frozen record while nothing was written.
      assert.equal(await store.clients.findById('bcl_1'), first);
      // A write of another table on this connection keeps it; a raw write of any kind (the
      // dialect cannot tell its tables) drops it, and so does a write through the adapter.
      await store.probeWrite();
      assert.equal(await store.clients.findById('bcl_1'), first);
      await sql`update oauth_clients set name = 'renamed' where id = 'bcl_1'`.execute(store.db);
      assert.equal((await store.clients.findById('bcl_1'))?.name, 'renamed');
      await store.clients.update('bcl_1', { updatedAt: 5_000 });
      assert.equal((await store.clients.findById('bcl_1'))?.updatedAt, 5_000);
    } finally {
      await store.close();
    }
  });
});
