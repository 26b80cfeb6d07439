import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { coreMigrations } from '../../src/store/migrations/index.js';
import { openMemoryStore, openStore } from '../../src/store/open.js';
import { runStoreSuite } from './adapter-suite.js';
import { T0, makeSession, makeUser } from './suite/fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'bulwark-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => join(root, `db-${n++}`, 'data');

runStoreSuite('sqlite', () => openStore({ dataDir: freshDir() }));

const migrationNames = async <DB>(db: Kysely<DB>): Promise<string[]> =>
  (await sql<{ name: string }>`select name from bulwark_migration order by name`.execute(db)).rows.map((r) => r.name);

describe('sqlite openStore', () => {
  it('creates the data dir 0700 and the database file 0600, with WAL, synchronous=NORMAL under group commit and foreign keys', async () => {
    const dataDir = freshDir();
    const store = await openStore({ dataDir });
    try {
      assert.equal(store.kind, 'sqlite');
      assert.equal(statSync(dataDir).mode & 0o777, 0o700);
      for (const file of ['bulwark.db', 'bulwark.db-wal', 'bulwark.db-shm']) {
        assert.equal(statSync(join(dataDir, file)).mode & 0o777, 0o600, file);
      }
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
      assert.equal(mode.rows[0]?.journal_mode, 'wal');
      // 1 = NORMAL: the commit itself does not fsync; each write waits for the group flush of the
      // WAL instead (test/store/group-commit.test.ts), so an answered write survives power loss.
      const synchronous = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
      assert.equal(Number(synchronous.rows[0]?.synchronous), 1);
      await assert.rejects(store.sessions.create(makeSession('no-such-user')));
    } finally {
      await store.close();
    }
  });

  it('runs migrations once: reopening the same file keeps data and applies nothing twice', async () => {
    const dataDir = freshDir();
    const user = makeUser();
    const first = await openStore({ dataDir });
    await first.users.create(user);
    await first.close();
    const second = await openStore({ dataDir, databaseUrl: 'sqlite:' });
    try {
      assert.deepEqual(await second.users.findById(user.id), user);
      assert.deepEqual(await migrationNames(second.db), Object.keys(coreMigrations).sort());
    } finally {
      await second.close();
    }
  });

  it('runs extra migrations after the core, and still opens without them later', async () => {
    const dataDir = freshDir();
    const extra = {
      '0002_widgets': {
        up: async (db: Kysely<unknown>): Promise<void> => {
          await db.schema
            .createTable('widgets')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .execute();
        },
      },
    };
    await (await openStore({ dataDir, migrations: extra })).close();
    const coreOnly = await openStore({ dataDir });
    assert.deepEqual(await migrationNames(coreOnly.db), [...Object.keys(coreMigrations), '0002_widgets'].sort());
    await coreOnly.close();
    await (await openStore({ dataDir, migrations: extra })).close();
  });

  it('reports a failing migration as one clear Error', async () => {
    const broken = { '0002_broken': { up: () => Promise.reject(new Error('boom')) } };
    await assert.rejects(openStore({ dataDir: freshDir(), migrations: broken }), {
      message: /^database migration "0002_broken" failed: boom$/,
    });
    await assert.rejects(openStore({ dataDir: freshDir(), migrations: { '0001_auth_core': broken['0002_broken'] } }), {
      message: /defined twice/,
    });
    await assert.rejects(openStore({ dataDir: freshDir(), migrations: { payroll: broken['0002_broken'] } }), {
      message: /NNNN_topic/,
    });
  });

  it('opens sqlite:<path> and :memory:, and refuses other schemes without echoing the URL', async () => {
    const path = join(root, 'explicit', 'x.db');
    const store = await openStore({ dataDir: freshDir(), databaseUrl: `sqlite:${path}` });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    await store.close();
    const memory = await openMemoryStore();
    await memory.users.create(makeUser({ createdAt: T0 }));
    assert.equal(await memory.users.count(), 1);
    await memory.close();
    await assert.rejects(
      openStore({ dataDir: freshDir(), databaseUrl: 'mysql://root:s3cret@db/x' }),
      (error: unknown) =>
        error instanceof Error && /unsupported/.test(error.message) && !error.message.includes('s3cret'),
    );
  });

  it('pings while open and fails to after close', async () => {
    const store = await openMemoryStore();
    await store.ping();
    await store.close();
    await assert.rejects(store.ping());
  });
});
