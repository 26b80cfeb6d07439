import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { paymentsRepo } from '../../src/payroll/payments/payments-repo.js';
import type { PayrollDb, PayrollTables } from '../../src/payroll/db/schema.js';
import type { IdempotentRequest, Rendered } from '../../src/payroll/idempotency/idempotency.js';

/** What the holder (a child process) and the retrier (the test) both send. */
export interface KillCase {
  key: string;
  actor: string;
  employeeId: string;
  memo: string;
}

export function killRequest(c: KillCase): IdempotentRequest {
  return {
    key: c.key,
    actor: c.actor,
    route: 'payments.create',
    request: { body: { employee_id: c.employeeId, memo: c.memo } },
  };
}

/** Inserts one payment in the idempotent transaction and renders it, as the payments route does. */
export async function insertPayment(trx: PayrollDb, c: KillCase): Promise<Rendered<string>> {
  const id = randomUUID();
  await paymentsRepo(trx).insert({
    id,
    employeeId: c.employeeId,
    amountCents: 100,
    currency: 'EUR',
    period: '2026-12',
    kind: 'payment',
    reversesPaymentId: null,
    reversedByPaymentId: null,
    memo: c.memo,
    createdBy: c.actor,
    createdAt: Date.now(),
  });
  return { result: id, status: 201, body: JSON.stringify({ id }) };
}

export function payrollDb<DB>(db: Kysely<DB>): PayrollDb {
  return db.withTables<PayrollTables>() as unknown as PayrollDb;
}
