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
import { makeSession, makeToken, makeUser } from './suite/fixtures.js';
import { sqlRefreshTokens } from '../../src/store/sql/refresh-tokens.js';

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

  describe('postgres refresh rotation', () => {
    /** The rotation's store on `store.db`, counting the statements it sends. */
    const counted = (store: SqlStore) => {
      const sent: string[] = [];
      const db = store.db.withPlugin({
        transformQuery: (args) => {
          sent.push(args.node.kind);
          return args.node;
        },
        transformResult: (args) => Promise.resolve(args.result),
      });
      return { tokens: sqlRefreshTokens(db), sent };
    };

    it('rotates an unused token in one statement, stamped on the database clock', async () => {
      const store = await openIn(await freshSchema());
      try {
        const user = makeUser();
        await store.users.create(user);
        // Live on the real clock: the rotation runs on Date.now, the database clock's case.
        const live = { createdAt: Date.now(), expiresAt: Date.now() + 3_600_000 };
        const session = makeSession(user.id, live);
        await store.sessions.create(session);
        const old = makeToken(session.id, live);
        await store.refreshTokens.insert(old);
        const { tokens, sent } = counted(store);
        const next = makeToken(session.id, live);
        const before = Date.now();
        const result = await tokens.rotate(old.hash, next, Date.now);
        const after = Date.now();
        assert.equal(result.outcome, 'rotated');
        assert.equal(sent.length, 1, `statements sent: ${sent.join(', ')}`);
        const stamped = (await store.refreshTokens.findByHash(old.hash))?.usedAt ?? 0;
        // The database's clock, on this machine the same as ours (within a millisecond of rounding).
        assert.ok(stamped >= before - 1 && stamped <= after + 1, `used_at ${stamped} not in [${before}, ${after}]`);
        assert.deepEqual(await store.refreshTokens.findByHash(next.hash), next);
        // Its last refresh: the successor's creation (a rotation writes no session row).
        if (result.outcome === 'rotated') assert.equal(result.session.lastRefreshedAt, next.createdAt);
        // Presented again: the one statement matches nothing, the transaction classifies.
        const again = await tokens.rotate(old.hash, makeToken(session.id), Date.now);
        assert.equal(again.outcome, 'reused');
        assert.ok(sent.length > 2);
      } finally {
        await store.close();
      }
    });

    it('leaves a token of another session unused (the one statement checks the session too)', async () => {
      const store = await openIn(await freshSchema());
      try {
        const user = makeUser();
        await store.users.create(user);
        const session = makeSession(user.id);
        const other = makeSession(user.id);
        await store.sessions.create(session);
        await store.sessions.create(other);
        const old = makeToken(session.id);
        await store.refreshTokens.insert(old);
        await assert.rejects(
          store.refreshTokens.rotate(old.hash, makeToken(other.id), () => session.createdAt + 10),
          /same session/,
        );
        assert.equal((await store.refreshTokens.findByHash(old.hash))?.usedAt, null);
      } finally {
        await store.close();
      }
    });
  });

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
