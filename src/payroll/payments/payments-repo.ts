import { sql, type SqlBool } from 'kysely';
import { CompiledInsert, CompiledRead } from '../../store/sql/compiled.js';
import { deepFreeze, readThrough, UnchangedCaches } from '../../store/sql/unchanged-cache.js';
import { decodeCursor, toPage } from '../../store/sql/cursor.js';
import type { Page } from '../../store/types.js';
import type { CamelCased } from '../db/camel-case.js';
import type { PaymentKind, PaymentsTable, PayrollDb, PayrollTables } from '../db/schema.js';

/** A stored row with camelCase keys (times in milliseconds): what the services work with. */
export type PaymentRecord = CamelCased<PaymentsTable>;

export interface PaymentQuery {
  employeeId?: string | undefined;
  /** Inclusive `YYYY-MM` bounds (text order is calendar order). */
  from?: string | undefined;
  to?: string | undefined;
  kind?: PaymentKind | undefined;
  cursor?: string | undefined;
  limit: number;
  /** By (createdAt, id): `asc` oldest first (the default), `desc` newest first. */
  order?: 'asc' | 'desc' | undefined;
}

/** The filters of the list, without its paging: what GET /api/payments/totals sums. */
export type PaymentTotalsQuery = Pick<PaymentQuery, 'employeeId' | 'from' | 'to' | 'kind'>;

export interface PaymentTotalRow {
  period: string;
  currency: string;
  totalCents: number;
  count: number;
}

function toRecord(row: PaymentsTable): PaymentRecord {
  return {
    id: row.id,
    employeeId: row.employee_id,
    amountCents: Number(row.amount_cents),
    currency: row.currency.trim(),
    period: row.period,
    kind: row.kind,
    reversesPaymentId: row.reverses_payment_id,
    reversedByPaymentId: row.reversed_by_payment_id,
    memo: row.memo,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
  };
}

type PaymentsRead = CompiledRead<PayrollTables, PaymentsTable>;

const BY_ID: PaymentsRead = new CompiledRead((db, p) =>
  db.selectFrom('payments').selectAll().where('id', '=', p<string>(0)),
);

/**
 * The list query for one combination of filters and order (64 at most), compiled once. Runtime
 * parameters in order: employee id, from, to, kind, cursor time, cursor id (each only when
 * filtered on), limit. Keyset pagination on the (created_at, id) index in either direction: the
 * cost of a page does not grow with the table.
 */
const LISTS = new Map<string, PaymentsRead>();

function listRead(query: PaymentQuery): PaymentsRead {
  const order = query.order ?? 'asc';
  const shape =
    [query.employeeId, query.from, query.to, query.kind, query.cursor]
      .map((v) => (v === undefined ? '-' : '+'))
      .join('') + order;
  let read = LISTS.get(shape);
  if (read === undefined) {
    read = new CompiledRead((db, p) => {
      let i = 0;
      let select = db.selectFrom('payments').selectAll();
      if (query.employeeId !== undefined) select = select.where('employee_id', '=', p<string>(i++));
      if (query.from !== undefined) select = select.where('period', '>=', p<string>(i++));
      if (query.to !== undefined) select = select.where('period', '<=', p<string>(i++));
      if (query.kind !== undefined) select = select.where('kind', '=', p<PaymentKind>(i++));
      if (query.cursor !== undefined) {
        // A row-value comparison, not `a > x or (a = x and id > y)`: SQLite and Postgres both
        // seek the (created_at, id) index to it, where the OR form scans the index from its
        // start and filters, so a page deep in a large table cost in proportion to its depth.
        const [at, id] = [p(i++), p(i++)];
        const past = sql.raw(order === 'asc' ? '>' : '<');
        select = select.where(sql<SqlBool>`(${sql.ref('created_at')}, ${sql.ref('id')}) ${past} (${at}, ${id})`);
      }
      return select.orderBy('created_at', order).orderBy('id', order).limit(p<number>(i));
    });
    LISTS.set(shape, read);
  }
  return read;
}

function listParams(query: PaymentQuery): unknown[] {
  const params: unknown[] = [query.employeeId, query.from, query.to, query.kind].filter((v) => v !== undefined);
  if (query.cursor !== undefined) params.push(...decodeCursor(query.cursor));
  params.push(query.limit + 1);
  return params;
}

/** Pages kept per database: a payroll office's lists are a few filters, paged. */
export const PAGE_CACHE_SIZE = 100;

/** Every payment and reversal: built and compiled once per dialect. */
const INSERT = new CompiledInsert<PayrollTables, 'payments', keyof PaymentsTable>('payments', [
  'id',
  'employee_id',
  'amount_cents',
  'currency',
  'period',
  'kind',
  'reverses_payment_id',
  'reversed_by_payment_id',
  'memo',
  'created_by',
  'created_at',
]);

/**
 * The list pages (every GET /api/payments): on SQLite kept while the table is unchanged
 * (src/store/sql/unchanged-cache.ts); a payment or reversal drops them all. Never inside a
 * transaction.
 */
const pageCaches = new UnchangedCaches<Page<PaymentRecord>>(['payments'], PAGE_CACHE_SIZE);

/**
 * Payments on one connection or transaction. There is deliberately no update or delete: the only
 * change a payment ever sees is the link to the reversal that cancels it.
 */
export function paymentsRepo(db: PayrollDb) {
  return {
    async insert(p: PaymentRecord): Promise<void> {
      await INSERT.run(db, {
        id: p.id,
        employee_id: p.employeeId,
        amount_cents: p.amountCents,
        currency: p.currency,
        period: p.period,
        kind: p.kind,
        reverses_payment_id: p.reversesPaymentId,
        reversed_by_payment_id: p.reversedByPaymentId,
        memo: p.memo,
        created_by: p.createdBy,
        created_at: p.createdAt,
      });
    },

    async findById(id: string): Promise<PaymentRecord | undefined> {
      const row = await BY_ID.first(db, [id]);
      return row === undefined ? undefined : toRecord(row);
    },

    /** Ordered by createdAt, then id (in `query.order`). */
    async list(query: PaymentQuery): Promise<Page<PaymentRecord>> {
      const { employeeId, from, to, kind, cursor, limit, order } = query;
      const key = JSON.stringify([employeeId, from, to, kind, cursor, limit, order]);
      const page = await readThrough(pageCaches.of(db), key, async () => {
        const rows = await listRead(query).rows(db, listParams(query));
        return deepFreeze(toPage(rows.map(toRecord), query.limit, (p) => [p.createdAt, p.id]));
      });
      return page as Page<PaymentRecord>;
    },

    /** Sums per period and currency of the filtered payments, newest period first, at most `maxRows` lines. */
    async totals(query: PaymentTotalsQuery, maxRows: number): Promise<PaymentTotalRow[]> {
      let select = db
        .selectFrom('payments')
        .select(['period', 'currency'])
        .select((eb) => [
          eb.fn.sum<number | string | bigint>('amount_cents').as('total_cents'),
          eb.fn.countAll<number | string | bigint>().as('count'),
        ]);
      if (query.employeeId !== undefined) select = select.where('employee_id', '=', query.employeeId);
      if (query.from !== undefined) select = select.where('period', '>=', query.from);
      if (query.to !== undefined) select = select.where('period', '<=', query.to);
      if (query.kind !== undefined) select = select.where('kind', '=', query.kind);
      const rows = await select
        .groupBy(['period', 'currency'])
        .orderBy('period', 'desc')
        .orderBy('currency', 'asc')
        .limit(maxRows)
        .execute();
      return rows.map((row) => ({
        period: row.period,
        currency: row.currency.trim(),
        totalCents: Number(row.total_cents),
        count: Number(row.count),
      }));
    },

    /** Links a payment to its reversal, only if it is a payment not reversed yet; false otherwise. */
    async markReversed(id: string, reversalId: string): Promise<boolean> {
      const result = await db
        .updateTable('payments')
        .set({ reversed_by_payment_id: reversalId })
        .where('id', '=', id)
        .where('kind', '=', 'payment')
        .where('reversed_by_payment_id', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

export type PaymentsRepo = ReturnType<typeof paymentsRepo>;
