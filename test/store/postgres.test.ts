import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { coreMigrations } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open.js';
import { MIGRATION_LOCK } from '../../src/store/postgres.js';
import type { SqlStore } from '../../src/store/sql/store.js';
import { runStoreSuite } from './adapter-suite.js';
import { makeUser } from './suite/fixtures.js';

const baseUrl = process.env.BULWARK_TEST_DATABASE_URL;
const skip = baseUrl === undefined || baseUrl === '' ? 'BULWARK_TEST_DATABASE_URL not set' : false;

/** Every open gets its own schema, selected through the connection's search_path. */
const created: string[] = [];

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function freshSchema(): Promise<string> {
  const schema = `bulwark_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create schema ${schema}`));
  created.push(schema);
  return schema;
}

function schemaUrl(schema: string): string {
  const url = new URL(baseUrl ?? '');
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

const openIn = (schema: string): Promise<SqlStore> =>
  openStore({ databaseUrl: schemaUrl(schema), dataDir: '/nonexistent' });

// A skipped describe is not counted in the runner's "skipped" total; this makes it show there.
if (skip !== false) it('postgres store adapter suite', { skip }, () => undefined);

describe('postgres', { skip }, () => {
  after(async () => {
    if (created.length === 0) return;
    await admin((c) => c.query(`drop schema if exists ${created.join(', ')} cascade`));
  });

  runStoreSuite('postgres', async () => openIn(await freshSchema()));

  describe('postgres openStore', () => {
    const names = async (store: SqlStore): Promise<string[]> =>
      (await sql<{ name: string }>`select name from bulwark_migration`.execute(store.db)).rows.map((r) => r.name);

    it('two instances opening a fresh schema together both succeed (advisory lock)', async () => {
      const schema = await freshSchema();
      const stores = await Promise.all([openIn(schema), openIn(schema), openIn(schema)]);
      try {
        for (const store of stores) {
          assert.equal(store.kind, 'postgres');
          await store.ping();
          assert.deepEqual(await names(store), Object.keys(coreMigrations).sort());
        }
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    it('waits for the migration advisory lock before migrating', async () => {
      const schema = await freshSchema();
      const holder = new pg.Client({ connectionString: baseUrl });
      await holder.connect();
      try {
        await holder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        let opened = false;
        const pending = openIn(schema).then((store) => {
          opened = true;
          return store;
        });
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(opened, false, 'openStore migrated while another instance held the lock');
        await holder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
        await (await pending).close();
      } finally {
        await holder.end();
      }
    });

    it('runs migrations once: reopening keeps data', async () => {
      const schema = await freshSchema();
      const user = makeUser();
      const first = await openIn(schema);
      await first.users.create(user);
      await first.close();
      const second = await openIn(schema);
      try {
        assert.deepEqual(await second.users.findById(user.id), user);
        assert.deepEqual(await names(second), Object.keys(coreMigrations).sort());
      } finally {
        await second.close();
      }
    });

    it('reports an unreachable server as a clear Error without the password', async () => {
      await assert.rejects(
        openStore({ databaseUrl: 'postgres://u:s3cret@127.0.0.1:1/x', dataDir: '/nonexistent' }),
        (error: unknown) =>
          error instanceof Error &&
          /^cannot open the postgres database/.test(error.message) &&
          !error.message.includes('s3cret'),
      );
    });

    it('pings while open and fails to after close', async () => {
      const store = await openIn(await freshSchema());
      await store.ping();
      await store.close();
      await assert.rejects(store.ping());
    });
  });
});
