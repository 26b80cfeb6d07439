import type { PaymentRecord } from './payments-repo.js';
import type { Payment } from '@bulwark/contract/types';

/** What the API shows of a payment: the Payment shape. */
export function toPaymentView(p: PaymentRecord): Payment {
  return {
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
    created_at: new Date(p.createdAt).toISOString(),
  };
}
