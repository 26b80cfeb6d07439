import { Type, type Static } from 'typebox';
import { PERIOD_PATTERN } from '../domain/dates.js';
import { PAYROLL_LIMITS } from '../domain/limits.js';
import { closed, Currency, DateTime, Id } from '../common/fields.js';

/**
 * The payment, declared once: `Payment` is what the API shows (the named OpenAPI schema and the
 * type toPaymentView returns); the request bodies and the list filter are picked from it, and
 * the stored row and record (db/) are derived from its type.
 */
const NullableId = Type.Union([Type.String(), Type.Null()]);

export const Payment = Type.Object({
  id: Id,
  employee_id: Id,
  amount_cents: Type.Integer({ description: 'positive for a payment, the negated original for a reversal' }),
  currency: Currency,
  period: Type.String({ pattern: PERIOD_PATTERN, description: 'pay period, YYYY-MM' }),
  kind: Type.Union([Type.Literal('payment'), Type.Literal('reversal')]),
  reverses_payment_id: NullableId,
  reversed_by_payment_id: NullableId,
  memo: Type.Union([Type.String(), Type.Null()]),
  created_by: Type.String({ description: 'the user who issued it' }),
  created_at: DateTime,
}, { $id: 'Payment', description: 'An immutable payment record; a mistake is undone by a reversal.' });
export type Payment = Static<typeof Payment>;
export type PaymentKind = Payment['kind'];

const Memo = Type.String({ maxLength: PAYROLL_LIMITS.memoLength });

export const NewPayment = Type.Object({
  ...Type.Pick(Payment, ['employee_id', 'amount_cents', 'currency', 'period']).properties,
  amount_cents: Type.Integer({ minimum: 1, maximum: PAYROLL_LIMITS.maxAmountCents, description: 'amount in minor units (integer)' }),
  memo: Type.Optional(Memo),
}, closed);
export type NewPayment = Static<typeof NewPayment>;

export const ReversalRequest = Type.Object({
  memo: Type.Optional(Type.String({ maxLength: PAYROLL_LIMITS.memoLength, description: 'why it is reversed: kept on the reversal and, as `reason`, in the audit event' })),
}, closed);
export type ReversalRequest = Static<typeof ReversalRequest>;

/** The list filter: one employee, inclusive period bounds, one kind. */
export const PaymentFilter = Type.Object({
  employee_id: Type.Optional(Payment.properties.employee_id),
  from: Type.Optional(Payment.properties.period),
  to: Type.Optional(Payment.properties.period),
  kind: Type.Optional(Payment.properties.kind),
});
export type PaymentFilter = Static<typeof PaymentFilter>;

export const PaymentOrder = Type.Union([Type.Literal('asc'), Type.Literal('desc')], { description: 'by creation time: `asc` (default) oldest first, `desc` newest first' });
export type PaymentOrder = Static<typeof PaymentOrder>;

/** One line of GET /api/payments/totals: the sum of the matching payments (reversals negative) of one period in one currency. */
export const PaymentTotal = Type.Object({
  period: Payment.properties.period,
  currency: Currency,
  total_cents: Type.Integer({ description: 'sum of amount_cents (reversals count negative)' }),
  count: Type.Integer({ minimum: 1, description: 'how many records were summed' }),
}, { $id: 'PaymentTotal', description: 'Totals of one pay period in one currency.' });
export type PaymentTotal = Static<typeof PaymentTotal>;
