import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type SqlBool } from 'kysely';
import { paymentsRepo, type PaymentRecord } from '../../src/payroll/payments/payments-repo.js';
import type { PayrollDb, PayrollTables } from '../../src/payroll/db/schema.js';
import { payrollMigrations } from '../../src/payroll/index.js';
import { openMemoryStore, type SqlStore } from '../../src/store/index.js';
import type { AuditEventsTable, Database } from '../../src/store/schema.js';
import { CompiledInsert, CompiledRead } from '../../src/store/sql/compiled.js';
import { encodeCursor } from '../../src/store/sql/cursor.js';
import { cachedPrepare } from '../../src/store/sqlite-driver.js';

describe('cachedPrepare', () => {
  it('prepares each distinct SQL text once and drops the oldest beyond its size', () => {
    const prepared: string[] = [];
    const prepare = cachedPrepare((text: string) => {
      prepared.push(text);
      return { text };
    }, 2);
    const a = prepare('select 1');
    assert.equal(prepare('select 1'), a, 'the same statement object is handed back');
    prepare('select 2');
    prepare('select 3'); // evicts 'select 1'
    prepare('select 3');
    assert.notEqual(prepare('select 1'), a);
    assert.deepEqual(prepared, ['select 1', 'select 2', 'select 3', 'select 1']);
  });
});

describe('CompiledRead and the payments page', () => {
  let store: SqlStore;
  let db: PayrollDb;
  const at = Date.parse('2027-01-01T00:00:00Z');
  const payment = (i: number, createdAt: number): PaymentRecord =>
    ({
      id: `p-${String(i).padStart(3, '0')}`,
      employeeId: 'e-1',
      amountCents: 100 + i,
      currency: 'EUR',
      period: `2027-0${1 + (i % 3)}`,
      kind: 'payment',
      reversesPaymentId: null,
      reversedByPaymentId: null,
      memo: null,
      createdBy: 'test',
      createdAt,
    }) as PaymentRecord;

  before(async () => {
    store = await openMemoryStore(payrollMigrations);
    db = store.db.withTables<PayrollTables>() as unknown as PayrollDb;
    await db
      .insertInto('employees')
      .values({
        id: 'e-1',
        name: 'A',
        email: 'a@example.com',
        department: 'D',
        title: 'T',
        salary_cents: 1,
        currency: 'EUR',
        bank_account: 'DE89370400440532013000',
        hired_on: '2020-01-01',
        status: 'active',
        created_at: at,
        updated_at: at,
      })
      .execute();
    // Three payments share one created_at: the page boundary must fall between them correctly.
    const times = [at, at + 1, at + 1, at + 1, at + 2, at + 3, at + 3];
    for (const [i, t] of times.entries()) await paymentsRepo(db).insert(payment(i, t));
  });
  after(() => store.close());

  it('runs one compiled query with new parameters, keeps constants, and works in a transaction', async () => {
    const read = new CompiledRead<PayrollTables, { id: string }>((d, p) =>
      d
        .selectFrom('payments')
        .select('id')
        .where('amount_cents', '>=', p<number>(0))
        .where('currency', '=', 'EUR')
        .where(sql<SqlBool>`${sql.ref('amount_cents')} <= ${p<number>(1)} + ${p<number>(0)}`)
        .orderBy('id')
        .limit(10),
    );
    assert.deepEqual(
      (await read.rows(db, [103, 1])).map((r) => r.id),
      ['p-003', 'p-004'],
    );
    assert.deepEqual(
      (await read.rows(db, [105, 0])).map((r) => r.id),
      ['p-005'],
    );
    const inside = await db.transaction().execute((trx) => read.first(trx, [106, 5]));
    // node:sqlite (Node 22+) answers rows with a null prototype: compare the fields.
    assert.deepEqual({ ...inside }, { id: 'p-006' });
    assert.equal(await read.first(db, [1000, 0]), undefined);
  });

  it('pages through ties on created_at without losing or repeating a payment', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const page = await paymentsRepo(db).list({ cursor, limit: 2 });
      seen.push(...page.items.map((p) => p.id));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    assert.deepEqual(seen, ['p-000', 'p-001', 'p-002', 'p-003', 'p-004', 'p-005', 'p-006']);
  });

  it('applies every filter with the cursor, each filter combination compiled on its own', async () => {
    const after = encodeCursor([at + 1, 'p-001']);
    const page = await paymentsRepo(db).list({
      employeeId: 'e-1',
      from: '2027-02',
      to: '2027-03',
      cursor: after,
      limit: 10,
    });
    assert.deepEqual(
      page.items.map((p) => [p.id, p.period]),
      [
        ['p-002', '2027-03'],
        ['p-004', '2027-02'],
        ['p-005', '2027-03'],
      ],
    );
    const none = await paymentsRepo(db).list({ employeeId: 'e-2', limit: 10 });
    assert.deepEqual(none.items, []);
  });
});

describe('CompiledInsert', () => {
  it("writes each value to its own column whatever the order of the row's keys, and rolls back with its transaction", async () => {
    const store = await openMemoryStore();
    try {
      const insert = new CompiledInsert<Database, 'audit_events', keyof AuditEventsTable>('audit_events', [
        'details',
        'ip',
        'target_id',
        'actor_id',
        'type',
        'at',
        'id',
      ]);
      const row = (id: string): AuditEventsTable => ({
        id,
        at: 1_700_000_000_000,
        type: 'test.event',
        actor_id: 'u-1',
        target_id: null,
        ip: '192.0.2.7',
        details: '{"n":1}',
      });
      await insert.run(store.db, row('a-1'));
      await insert.run(store.db, { ...row('a-2'), type: 'test.other', actor_id: null, target_id: 'u-2' });
      const rolledBack = store.db.transaction().execute(async (trx) => {
        await insert.run(trx, row('a-3'));
        throw new Error('roll back');
      });
      await assert.rejects(rolledBack, /roll back/);
      const rows = await store.db.selectFrom('audit_events').selectAll().orderBy('id').execute();
      assert.deepEqual(
        rows.map((r) => ({ ...r, at: Number(r.at) })),
        [row('a-1'), { ...row('a-2'), type: 'test.other', actor_id: null, target_id: 'u-2' }],
      );
    } finally {
      await store.close();
    }
  });
});
