import { afterCursor, toPage } from '../../store/sql/cursor.js';
import type { Page } from '../../store/types.js';
import type { PaymentKind, PaymentsTable, PayrollDb } from './schema.js';

export interface PaymentRecord {
  id: string;
  employeeId: string;
  amountCents: number;
  currency: string;
  period: string;
  kind: PaymentKind;
  reversesPaymentId: string | null;
  reversedByPaymentId: string | null;
  memo: string | null;
  createdBy: string;
  createdAt: number;
}

export interface PaymentQuery {
  employeeId?: string | undefined;
  /** Inclusive `YYYY-MM` bounds (text order is calendar order). */
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

function toRecord(row: PaymentsTable): PaymentRecord {
  return {
    id: row.id, employeeId: row.employee_id, amountCents: Number(row.amount_cents), currency: row.currency.trim(),
    period: row.period, kind: row.kind, reversesPaymentId: row.reverses_payment_id,
    reversedByPaymentId: row.reversed_by_payment_id, memo: row.memo, createdBy: row.created_by, createdAt: Number(row.created_at),
  };
}

/**
 * Payments on one connection or transaction. There is deliberately no update or delete: the only
 * change a payment ever sees is the link to the reversal that cancels it.
 */
export function paymentsRepo(db: PayrollDb) {
  return {
    async insert(p: PaymentRecord): Promise<void> {
      await db.insertInto('payments').values({
        id: p.id, employee_id: p.employeeId, amount_cents: p.amountCents, currency: p.currency, period: p.period,
        kind: p.kind, reverses_payment_id: p.reversesPaymentId, reversed_by_payment_id: p.reversedByPaymentId,
        memo: p.memo, created_by: p.createdBy, created_at: p.createdAt,
      }).execute();
    },

    async findById(id: string): Promise<PaymentRecord | undefined> {
      const row = await db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    /** Ordered by createdAt, then id. */
    async list(query: PaymentQuery): Promise<Page<PaymentRecord>> {
      let select = db.selectFrom('payments').selectAll();
      if (query.employeeId !== undefined) select = select.where('employee_id', '=', query.employeeId);
      if (query.from !== undefined) select = select.where('period', '>=', query.from);
      if (query.to !== undefined) select = select.where('period', '<=', query.to);
      if (query.cursor !== undefined) select = select.where(afterCursor(query.cursor, 'created_at', 'asc'));
      const rows = await select.orderBy('created_at', 'asc').orderBy('id', 'asc').limit(query.limit + 1).execute();
      return toPage(rows.map(toRecord), query.limit, (p) => [p.createdAt, p.id]);
    },

    /** Links a payment to its reversal, only if it is a payment not reversed yet; false otherwise. */
    async markReversed(id: string, reversalId: string): Promise<boolean> {
      const result = await db.updateTable('payments').set({ reversed_by_payment_id: reversalId })
        .where('id', '=', id).where('kind', '=', 'payment').where('reversed_by_payment_id', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

export type PaymentsRepo = ReturnType<typeof paymentsRepo>;
