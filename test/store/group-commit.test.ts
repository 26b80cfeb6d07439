import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { GroupCommit, walFlush } from '../../src/store/group-commit.js';
import { isDependencyOutage } from '../../src/http/error-mapper.js';
import { gatedFlush, settled } from '../helpers/wal-flush.js';
import { DEFER_DURABILITY, READ_DURABLE } from '../../src/store/durable-sqlite-dialect.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { migrateToLatest } from '../../src/store/migrations/index.js';
import { createSqlStore } from '../../src/store/sql/store.js';
import { makeEvent, makeSession, makeToken, makeUser } from './suite/fixtures.js';
import { payrollMigrations } from '../../src/payroll/index.js';
import type { PayrollDb } from '../../src/payroll/db/schema.js';
import { idempotencyKeysRepo } from '../../src/payroll/idempotency/idempotency-keys-repo.js';

const root = mkdtempSync(join(tmpdir(), 'bulwark-group-commit-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

describe('GroupCommit', () => {
  it('acknowledges a commit only after a flush that started after it; the commits made meanwhile share the next flush', async () => {
    const { flush, gates } = gatedFlush();
    const commits = new GroupCommit(flush);
    const a = commits.durable(commits.committed());
    assert.equal(gates.length, 1);
    // Committed while the first flush runs: it may not cover them.
    const b = commits.durable(commits.committed());
    const c = commits.durable(commits.committed());
    assert.equal(await settled(a), false);
    gates[0]?.open();
    await a;
    assert.equal(await settled(b), false);
    assert.equal(await settled(c), false);
    assert.equal(gates.length, 2, 'one more flush, for both');
    gates[1]?.open();
    await Promise.all([b, c]);
    assert.equal(commits.flushes, 2);
    // Nothing committed since: durable at once, no flush.
    await commits.durable(3);
    assert.equal(commits.flushes, 2);
  });

  it('a failed flush rejects every write it was to cover; the next one is flushed again', async () => {
    const { flush, gates } = gatedFlush();
    const commits = new GroupCommit(flush);
    const a = commits.durable(commits.committed());
    const b = commits.durable(1); // another write of the same commit number waits on the same flush
    gates[0]?.fail(Object.assign(new Error('EIO'), { code: 'EIO' }));
    await assert.rejects(a, /EIO/);
    await assert.rejects(b, /EIO/);
    const c = commits.durable(commits.committed());
    gates[1]?.open();
    await c;
  });

  it('a flush past the deadline fails its writes as an outage; while it hangs others fail at once, with no second fdatasync; once it ends, writes flush again', async () => {
    const { flush, gates } = gatedFlush();
    const commits = new GroupCommit(flush, undefined, 50);
    const started = performance.now();
    const a = commits.durable(commits.committed());
    const b = commits.durable(commits.committed()); // committed while the first flush runs
    await assert.rejects(a, (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ETIMEDOUT');
      assert.match(error.message, /WAL flush deadline exceeded \(50 ms\)/);
      assert.equal(isDependencyOutage(error), true, 'answered 503 with Retry-After, never a 500');
      return true;
    });
    assert.ok(performance.now() - started >= 45, 'not before the deadline');
    await assert.rejects(b, /deadline exceeded/);
    assert.equal(gates.length, 1, 'nothing more is queued behind the hung flush');
    await assert.rejects(commits.durable(commits.committed()), /deadline exceeded/);
    assert.equal(gates.length, 1);
    // The disk answers: what the hung flush covered is durable, and the next write flushes again.
    gates[0]?.open();
    await new Promise((resolve) => setImmediate(resolve));
    await commits.durable(1);
    const d = commits.durable(commits.committed());
    assert.equal(gates.length, 2, 'a new flush for the commits after the hung one');
    gates[1]?.open();
    await d;
  });
});

describe('SQLite writes under group commit', () => {
  const open = (flush: () => Promise<void>) => {
    const path = join(root, `db-${n++}.sqlite`);
    const db = openSqlite(path, { flush });
    return { db, path };
  };

  it('a write (autocommit or transaction) resolves only after the WAL flush; reads do not wait', async () => {
    const { flush, gates, state } = gatedFlush();
    const { db } = open(flush);
    try {
      state.passing = true;
      await sql`create table t (v integer)`.execute(db);
      state.passing = false;
      const insert = db
        .insertInto('t' as never)
        .values({ v: 1 } as never)
        .execute();
      const inTransaction = db.transaction().execute((tx) =>
        tx
          .insertInto('t' as never)
          .values({ v: 2 } as never)
          .execute(),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(await settled(insert), false, 'the insert waits for its flush');
      assert.equal(await settled(inTransaction), false, 'the transaction waits for its flush');
      // Meanwhile the connection is free: a read runs (it sees the commits) and does not wait.
      const rows = await sql<{ c: number }>`select count(*) as c from t`.execute(db);
      assert.equal(Number(rows.rows[0]?.c), 2);
      assert.equal(gates.length, 1, 'the transaction committed while the first flush ran');
      gates[0]?.open();
      await insert;
      assert.equal(await settled(inTransaction), false);
      assert.equal(gates.length, 2);
      gates[1]?.open();
      await inTransaction;
    } finally {
      state.passing = true;
      await db.destroy();
    }
  });

  it('a flush failure fails the write (its caller answers an error, never a success)', async () => {
    const { flush, gates, state } = gatedFlush();
    const { db } = open(flush);
    try {
      state.passing = true;
      await sql`create table t (v integer)`.execute(db);
      state.passing = false;
      const insert = db
        .insertInto('t' as never)
        .values({ v: 1 } as never)
        .execute();
      await new Promise((resolve) => setTimeout(resolve, 10));
      gates[0]?.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
      await assert.rejects(insert, /EIO/);
    } finally {
      state.passing = true;
      await db.destroy();
    }
  });

  it('a deferred write and a write that changed nothing do not wait; a durable read waits for every earlier commit', async () => {
    const { flush, gates, state } = gatedFlush();
    const { db } = open(flush);
    try {
      state.passing = true;
      await sql`create table t (v integer)`.execute(db);
      state.passing = false;
      await db
        .deleteFrom('t' as never)
        .where('v' as never, '=', 99 as never)
        .execute(); // nothing to delete
      await db
        .withPlugin(DEFER_DURABILITY)
        .insertInto('t' as never)
        .values({ v: 1 } as never)
        .execute();
      assert.equal(gates.length, 0, 'neither waited for a flush');
      const plain = await sql<{ c: number }>`select count(*) as c from t`.execute(db);
      assert.equal(Number(plain.rows[0]?.c), 1, 'a plain read sees the commit at once');
      const durableRead = db
        .withPlugin(READ_DURABLE)
        .selectFrom('t' as never)
        .selectAll()
        .execute();
      assert.equal(await settled(durableRead), false, 'the durable read waits');
      assert.equal(gates.length, 1);
      gates[0]?.open();
      assert.equal((await durableRead).length, 1);
    } finally {
      state.passing = true;
      await db.destroy();
    }
  });

  it("a payment's idempotency claim does not wait for a flush; the completion's flush covers it, with the lease on the clock", async () => {
    const { flush, gates, state } = gatedFlush();
    const { db } = open(flush);
    try {
      state.passing = true;
      await migrateToLatest(db, { extra: payrollMigrations });
      state.passing = false;
      const clock = () => 1_000_000.6;
      const keys = idempotencyKeysRepo(db as unknown as PayrollDb, clock);
      const id = { key: 'k-1', actor: 'alice', route: 'payments.create' };
      const claim = { owner: 'process-a', claimId: 'claim-1', claimedAt: 1_000_000, leaseUntil: 1_030_000 };
      assert.equal(await keys.claim(id, 'hash-1', claim, 2_000_000), true);
      assert.equal(gates.length, 0, 'the claim did not wait for a flush');
      assert.equal(await keys.claim(id, 'hash-1', { ...claim, claimId: 'claim-2' }, 2_000_000), false, 'held');
      const done = keys.complete(id, 'claim-1', 201, '{"id":"p-1"}');
      assert.equal(await settled(done), false, 'the completion waits for its flush');
      assert.equal(gates.length, 1, 'one flush covers the claim and its completion');
      gates[0]?.open();
      assert.equal(await done, true);
      state.passing = true;
      const stored = await keys.find(id);
      assert.equal(stored?.status, 'done');
      assert.equal(stored?.owner, 'process-a');
      assert.equal(stored?.claimId, 'claim-1');
      assert.equal(stored?.claimedAt, 1_000_000);
      assert.equal(stored?.leaseUntil, 1_030_000, 'the lease end as given, on the same clock');
      assert.equal(stored?.expiresAt, 2_000_000);
      assert.equal(stored?.requestHash, 'hash-1');
      assert.equal(stored?.responseBody, '{"id":"p-1"}');
    } finally {
      state.passing = true;
      await db.destroy();
    }
  });

  it("a login's writes take one flush: its session does not wait, its first refresh token's flush covers both", async () => {
    const { flush, gates, state } = gatedFlush();
    const { db } = open(flush);
    const store = createSqlStore(db, 'sqlite');
    try {
      state.passing = true;
      await migrateToLatest(db);
      const user = makeUser();
      await store.users.create(user);
      state.passing = false;
      const session = makeSession(user.id);
      await store.sessions.create(session, { flushedByNextWrite: true });
      assert.equal(gates.length, 0, 'the session insert did not wait for a flush');
      const token = makeToken(session.id);
      const first = store.refreshTokens.insertFirst(token, {
        userId: user.id,
        ip: '203.0.113.7',
        event: makeEvent({ type: 'login.succeeded', actorId: user.id, targetId: session.id }),
      });
      // Read in the same turn: kysely's transaction would not even have begun by now.
      const seen = store.refreshTokens.findByHash(token.hash);
      assert.deepEqual(await seen, token, 'committed within the call (one synchronous transaction), before its flush');
      assert.equal(await settled(first), false, 'the refresh token waits for its flush');
      assert.equal(gates.length, 1, 'one flush, started after both commits, covers both');
      gates[0]?.open();
      await first;
      assert.equal(gates.length, 1);
      assert.equal((await store.sessions.findById(session.id))?.id, session.id);
      assert.deepEqual(await store.refreshTokens.findByHash(token.hash), token);
    } finally {
      state.passing = true;
      await db.destroy();
    }
  });

  it('with the real fdatasync: 64 concurrent writes share far fewer flushes, and all are there after reopening', async () => {
    const path = join(root, `db-${n++}.sqlite`);
    const real = walFlush(path);
    let flushes = 0;
    const counted = Object.assign(
      async () => {
        flushes++;
        await real();
      },
      { close: real.close },
    );
    const db = openSqlite(path, { flush: counted });
    await sql`create table t (v integer)`.execute(db);
    flushes = 0;
    await Promise.all(
      Array.from({ length: 64 }, (_, v) =>
        db
          .insertInto('t' as never)
          .values({ v } as never)
          .execute(),
      ),
    );
    assert.ok(flushes >= 1 && flushes < 64, `${flushes} flushes for 64 writes`);
    await db.destroy();
    const again = openSqlite(path);
    try {
      const rows = await sql<{ c: number }>`select count(*) as c from t`.execute(again);
      assert.equal(Number(rows.rows[0]?.c), 64);
    } finally {
      await again.destroy();
    }
  });
});
