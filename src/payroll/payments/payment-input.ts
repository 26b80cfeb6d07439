import { InvalidRequestError } from '../../errors/index.js';
import { isCurrency } from '../domain/currencies.js';
import { isPeriod } from '../domain/dates.js';
import { PAYROLL_LIMITS } from '@bulwark/contract';
import type { NewPayment, PaymentFilter, ReversalRequest } from '@bulwark/contract/types';

export type NewPaymentBody = NewPayment;
export type PaymentFilterQuery = PaymentFilter;

function invalid(where: string, what: string): InvalidRequestError {
  return new InvalidRequestError(`payment ${where} rejected`, { detail: `${where} ${what}.` });
}

function memo(value: string | undefined): string | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/\p{Cc}/u.test(trimmed)) throw invalid('body/memo', 'must not contain control characters');
  return trimmed === '' ? null : trimmed;
}

/** What the schema cannot say: a real currency and month; the amount re-checked as money. */
export function parseNewPayment(
  body: NewPaymentBody,
): Required<Omit<NewPaymentBody, 'memo'>> & { memo: string | null } {
  const amount = body.amount_cents;
  if (!Number.isSafeInteger(amount) || amount < 1 || amount > PAYROLL_LIMITS.maxAmountCents) {
    throw invalid('body/amount_cents', `must be an integer from 1 to ${PAYROLL_LIMITS.maxAmountCents}`);
  }
  if (!isCurrency(body.currency)) throw invalid('body/currency', 'must be an ISO 4217 currency code');
  if (!isPeriod(body.period)) throw invalid('body/period', 'must be a real month (YYYY-MM)');
  return {
    employee_id: body.employee_id,
    amount_cents: amount,
    currency: body.currency,
    period: body.period,
    memo: memo(body.memo),
  };
}

export function parseReversalMemo(body: ReversalRequest | null | undefined): string | null {
  return memo(body?.memo);
}

/** Period bounds must be real months, in order. */
export function parsePaymentFilter(query: PaymentFilterQuery): PaymentFilterQuery {
  if (query.from !== undefined && !isPeriod(query.from))
    throw invalid('querystring/from', 'must be a real month (YYYY-MM)');
  if (query.to !== undefined && !isPeriod(query.to)) throw invalid('querystring/to', 'must be a real month (YYYY-MM)');
  if (query.from !== undefined && query.to !== undefined && query.from > query.to)
    throw invalid('querystring/from', 'must not be after `to`');
  return query;
}
