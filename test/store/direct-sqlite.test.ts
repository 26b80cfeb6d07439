import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql, type Kysely, type KyselyPlugin } from 'kysely';
import { DEFER_DURABILITY, READ_DURABLE } from '../../src/store/durable-sqlite-dialect.js';
import { directSqlite, MEMORY, openSqlite } from '../../src/store/sqlite.js';
import { CompiledInsert, CompiledRead } from '../../src/store/sql/compiled.js';
import { gatedFlush, settled } from '../helpers/wal-flush.js';

const root = mkdtempSync(join(tmpdir(), 'bulwark-direct-sqlite-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

interface Db {
  items: { id: string; v: number };
}

async function open(flush = gatedFlush(true)) {
  const db = openSqlite(join(root, `d${n++}`, 'db.sqlite'), { flush: flush.flush }) as unknown as Kysely<Db>;
  await sql`create table items (id text primary key, v integer not null)`.execute(db);
  return { db, ...flush };
}

const COUNT = new CompiledRead<Db, { n: number }>((db) =>
  db.selectFrom('items').select((e) => e.fn.countAll<number>().as('n')),
);
const INSERT = new CompiledInsert<Db, 'items', 'id' | 'v'>('items', ['id', 'v']);
const INSERT_DEFERRED = new CompiledInsert<Db, 'items', 'id' | 'v'>('items', ['id', 'v'], DEFER_DURABILITY);
const COUNT_DURABLE = new CompiledRead<Db, { n: number }>((db) =>
  db
    .withPlugin(READ_DURABLE)
    .selectFrom('items')
    .select((e) => e.fn.countAll<number>().as('n')),
);

/**
 * Another caller's kysely transaction, open on the one connection with a row of its own inserted:
 * answers once it is open; `release()` lets it end, rolled back when `rollBack`.
 */
async function holdTransaction(db: Kysely<Db>, id: string, rollBack: boolean) {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let begun = () => {};
  const begunOnce = new Promise<void>((resolve) => (begun = resolve));
  const ended = db
    .transaction()
    .execute(async (trx) => {
      await INSERT.run(trx, { id, v: 1 });
      begun();
      await held;
      if (rollBack) throw new Error('roll back');
    })
    .then(
      () => 'committed',
      (error: Error) => error.message,
    );
  await begunOnce;
  return { release, ended };
}

describe('compiled statements run directly on SQLite', () => {
  it('is offered for SQLite files and :memory:, not elsewhere', async () => {
    const { db } = await open();
    assert.ok(directSqlite(db));
    const memory = openSqlite(MEMORY);
    assert.ok(directSqlite(memory));
    await Promise.all([db.destroy(), memory.destroy()]);
  });

  it('answers a write outside a transaction only once its flush is on disk; a deferred one at once', async () => {
    const { db, gates, state } = await open();
    state.passing = false;
    const write = INSERT.run(db, { id: 'a', v: 1 });
    assert.equal(await settled(write), false, 'waits for the flush');
    assert.equal(gates.length, 1);
    gates[0]?.open();
    await write;
    const deferred = INSERT_DEFERRED.run(db, { id: 'b', v: 2 });
    assert.equal(await settled(deferred), true, 'a deferred write does not wait');
    // A durable read waits for the flush that covers the deferred write before it.
    const durableRead = COUNT_DURABLE.first(db, []);
    assert.equal(await settled(durableRead), false);
    for (const gate of gates.splice(0)) gate.open();
    await new Promise((resolve) => setImmediate(resolve));
    for (const gate of gates.splice(0)) gate.open();
    assert.equal((await durableRead)?.n, 2);
    state.passing = true;
    await db.destroy();
  });

  it('never runs inside a transaction another caller holds open: it waits its turn and sees only what committed', async () => {
    const { db } = await open();
    const { release, ended: rolledBack } = await holdTransaction(db, 'uncommitted', true);
    // The transaction is open on the one connection: a statement run there now would see its row.
    const outside = COUNT.first(db, []);
    assert.equal(await settled(outside), false, 'waits for the transaction to end');
    release();
    assert.equal(await rolledBack, 'roll back');
    assert.equal((await outside)?.n, 0, 'the rolled-back row was never seen');
    await db.destroy();
  });

  it('runs inside the caller’s own transaction as the transaction does', async () => {
    const { db } = await open();
    const seen = await db.transaction().execute(async (trx) => {
      await INSERT.run(trx, { id: 'x', v: 1 });
      return (await COUNT.first(trx, []))?.n;
    });
    assert.equal(seen, 1);
    assert.equal((await COUNT.first(db, []))?.n, 1);
    await db.destroy();
  });

  it('rejects with the statement’s own error, and the connection is usable after it', async () => {
    const { db } = await open();
    await INSERT.run(db, { id: 'dup', v: 1 });
    await assert.rejects(INSERT.run(db, { id: 'dup', v: 2 }), /UNIQUE constraint failed/);
    assert.equal((await COUNT.first(db, []))?.n, 1);
    await db.destroy();
  });

  it('runs a synchronous transaction whole, and answers it only once its commit is on disk', async () => {
    const { db, gates, state } = await open();
    state.passing = false;
    const direct = directSqlite(db);
    const done = direct?.transaction((run) => {
      run(INSERT.compiled(db, { id: 'a', v: 1 }));
      run(INSERT.compiled(db, { id: 'b', v: 2 }));
      return run(COUNT.compiled(db, [])).rows[0]?.n;
    });
    assert.ok(done, 'no transaction was open: it ran');
    assert.equal(await settled(done), false, 'waits for the flush');
    assert.equal(gates.length, 1, 'one flush for the transaction');
    gates[0]?.open();
    assert.equal(await done, 2);
    state.passing = true;
    assert.equal((await COUNT.first(db, []))?.n, 2);
    await db.destroy();
  });

  it('rolls a synchronous transaction back when its body answers nothing or throws, with the body’s own error', async () => {
    const { db } = await open();
    const direct = directSqlite(db);
    const none = direct?.transaction((run) => {
      run(INSERT.compiled(db, { id: 'a', v: 1 }));
      return undefined;
    });
    assert.equal(await none, undefined);
    await INSERT.run(db, { id: 'dup', v: 1 });
    const failed = direct?.transaction((run) => {
      run(INSERT.compiled(db, { id: 'b', v: 2 }));
      run(INSERT.compiled(db, { id: 'dup', v: 3 }));
      return 'committed';
    });
    await assert.rejects(failed ?? Promise.resolve(), /UNIQUE constraint failed/);
    const thrown = direct?.transaction((run) => {
      run(INSERT.compiled(db, { id: 'c', v: 4 }));
      throw new Error('changed my mind');
    });
    await assert.rejects(thrown ?? Promise.resolve(), /changed my mind/);
    const rows = await db.selectFrom('items').select('id').orderBy('id').execute();
    assert.deepEqual(
      rows.map((r) => r.id),
      ['dup'],
      'only the row written outside them',
    );
    // The connection is free again: a kysely transaction runs on it.
    await db.transaction().execute(async (trx) => INSERT.run(trx, { id: 'after', v: 5 }));
    assert.equal((await COUNT.first(db, []))?.n, 2);
    await db.destroy();
  });

  it('runs no synchronous transaction while another caller’s transaction is open', async () => {
    const { db } = await open();
    const { release, ended } = await holdTransaction(db, 'theirs', false);
    let ran = false;
    const direct = directSqlite(db)?.transaction(() => {
      ran = true;
      return 1;
    });
    assert.equal(direct, undefined, 'not offered');
    assert.equal(ran, false);
    release();
    assert.equal(await ended, 'committed');
    await db.destroy();
  });

  it('answers rows as arrays in select order, and leaves the shared statement answering objects', async () => {
    const { db } = await open();
    await INSERT.run(db, { id: 'a', v: 7 });
    const BY_ID = new CompiledRead<Db, { v: number; id: string }>((d, p) =>
      d.selectFrom('items').select(['v', 'id']).where('id', '=', p<string>(0)),
    );
    assert.deepEqual(await BY_ID.arrays(db, ['a']), [[7, 'a']]);
    // (node:sqlite's rows have no prototype: compared as plain objects.)
    assert.deepEqual(
      (await BY_ID.rows(db, ['a'])).map((row) => ({ ...row })),
      [{ v: 7, id: 'a' }],
    );
    // Through kysely (an instance with a plugin is never run directly): objects, then arrays from them.
    const noop: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: (args) => Promise.resolve(args.result),
    };
    assert.deepEqual(await BY_ID.arrays(db.withPlugin(noop), ['a']), [[7, 'a']]);
    const memory = openSqlite(MEMORY) as unknown as Kysely<Db>;
    await sql`create table items (id text primary key, v integer not null)`.execute(memory);
    await INSERT.run(memory, { id: 'm', v: 1 });
    assert.deepEqual(await BY_ID.arrays(memory, ['m']), [[1, 'm']]);
    assert.deepEqual({ ...(await BY_ID.first(memory, ['m'])) }, { v: 1, id: 'm' });
    await Promise.all([db.destroy(), memory.destroy()]);
  });
});
