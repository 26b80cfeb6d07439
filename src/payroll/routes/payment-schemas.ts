import { Type } from 'typebox';
import { PERIOD_PATTERN } from '../domain/dates.js';
import { PAYROLL_LIMITS } from '../domain/limits.js';
import { closed, Currency, Id, PageParams } from './common.js';

/** Payment request and response schemas: they validate, and they are the OpenAPI. */
const Period = Type.String({ pattern: PERIOD_PATTERN, description: 'pay period, YYYY-MM' });
const Memo = Type.String({ maxLength: PAYROLL_LIMITS.memoLength });
const NullableId = Type.Union([Type.String(), Type.Null()]);

export const NewPayment = Type.Object({
  employee_id: Id,
  amount_cents: Type.Integer({ minimum: 1, maximum: PAYROLL_LIMITS.maxAmountCents, description: 'amount in minor units (integer)' }),
  currency: Currency,
  period: Period,
  memo: Type.Optional(Memo),
}, closed);

export const ReversalRequest = Type.Object({ memo: Type.Optional(Memo) }, closed);

export const Payment = Type.Object({
  id: Type.String(),
  employee_id: Type.String(),
  amount_cents: Type.Integer({ description: 'positive for a payment, the negated original for a reversal' }),
  currency: Type.String(),
  period: Type.String(),
  kind: Type.Union([Type.Literal('payment'), Type.Literal('reversal')]),
  reverses_payment_id: NullableId,
  reversed_by_payment_id: NullableId,
  memo: Type.Union([Type.String(), Type.Null()]),
  created_by: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
});

export const PaymentListQuery = Type.Object({
  employee_id: Type.Optional(Id),
  from: Type.Optional(Period),
  to: Type.Optional(Period),
  ...PageParams,
}, closed);
