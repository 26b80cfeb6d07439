import { Type, type Static } from 'typebox';
import { DATE_PATTERN, PAYROLL_LIMITS, PERIOD_PATTERN } from './limits.js';
import { closed, DateTime, Id } from './shared.js';

/** The payroll API's shapes: employees and payments. */

/**
 * The user attribute that links a user to their employee record, and the claim of the payroll
 * API's tokens that carries it (the API lists it among its `claims`): payroll's own data on the
 * user, not a column of the identity store (issue #18 item 5). Payroll scopes an employee's reads
 * by it (contract §4).
 */
export const EMPLOYEE_LINK_ATTRIBUTE = 'employee_id';

/** The employee record id a user's attributes link to; null when there is none (or it is not text). */
export function employeeLinkIn(attributes: Readonly<Record<string, unknown>> | undefined): string | null {
  const link = attributes?.[EMPLOYEE_LINK_ATTRIBUTE];
  return typeof link === 'string' ? link : null;
}
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. EUR' });

/**
 * The employee, declared once: `Employee` is what the API shows (the named OpenAPI schema and
 * the type the server's toEmployeeView returns); the request bodies are picked from it, and the stored row
 * and record (server's db/) are derived from its type.
 */
const Text = Type.String({ minLength: 1, maxLength: PAYROLL_LIMITS.textLength });

export const EmployeeStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('on_leave'),
  Type.Literal('terminated'),
]);
export type EmployeeStatus = Static<typeof EmployeeStatus>;

export const Employee = Type.Object(
  {
    id: Id,
    name: Text,
    email: Type.String({
      format: 'email',
      maxLength: PAYROLL_LIMITS.emailLength,
      description: 'unique; stored lower-case',
    }),
    department: Text,
    title: Text,
    salary_cents: Type.Integer({
      minimum: 1,
      maximum: PAYROLL_LIMITS.maxSalaryCents,
      description: 'gross yearly salary in minor units',
    }),
    currency: Currency,
    bank_account: Type.String({
      description: 'IBAN, upper-case without spaces; masked (country code and last four only) for clerks',
    }),
    hired_on: Type.String({ format: 'date', pattern: DATE_PATTERN, description: 'YYYY-MM-DD' }),
    status: EmployeeStatus,
    created_at: DateTime,
    updated_at: DateTime,
  },
  { $id: 'Employee', description: 'An employee record (admins and clerks see all; an employee only themselves).' },
);
export type Employee = Static<typeof Employee>;

/** What an admin writes: the employee without the server's fields; the IBAN may carry spaces. */
const writable = {
  ...Type.Omit(Employee, ['id', 'created_at', 'updated_at']).properties,
  bank_account: Type.String({
    minLength: 15,
    maxLength: 42,
    pattern: '^[A-Za-z0-9 ]+$',
    description: 'IBAN (spaces allowed)',
  }),
};

export const NewEmployee = Type.Object({ ...writable, status: Type.Optional(EmployeeStatus) }, closed);
export type NewEmployee = Static<typeof NewEmployee>;

export const EmployeePatch = Type.Partial(Type.Object(writable), { ...closed, minProperties: 1 });
export type EmployeePatch = Static<typeof EmployeePatch>;

/**
 * The payment, declared once: `Payment` is what the API shows (the named OpenAPI schema and the
 * type the server's toPaymentView returns); the request bodies and the list filter are picked from it, and
 * the stored row and record (server's db/) are derived from its type.
 */
const NullableId = Type.Union([Type.String(), Type.Null()]);

export const Payment = Type.Object(
  {
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
  },
  { $id: 'Payment', description: 'An immutable payment record; a mistake is undone by a reversal.' },
);
export type Payment = Static<typeof Payment>;
export type PaymentKind = Payment['kind'];

const Memo = Type.String({ maxLength: PAYROLL_LIMITS.memoLength });

export const NewPayment = Type.Object(
  {
    ...Type.Pick(Payment, ['employee_id', 'amount_cents', 'currency', 'period']).properties,
    amount_cents: Type.Integer({
      minimum: 1,
      maximum: PAYROLL_LIMITS.maxAmountCents,
      description: 'amount in minor units (integer)',
    }),
    memo: Type.Optional(Memo),
  },
  closed,
);
export type NewPayment = Static<typeof NewPayment>;

export const ReversalRequest = Type.Object(
  {
    memo: Type.Optional(
      Type.String({
        maxLength: PAYROLL_LIMITS.memoLength,
        description: 'why it is reversed: kept on the reversal and, as `reason`, in the audit event',
      }),
    ),
  },
  closed,
);
export type ReversalRequest = Static<typeof ReversalRequest>;

/** The list filter: one employee, inclusive period bounds, one kind. */
export const PaymentFilter = Type.Object({
  employee_id: Type.Optional(Payment.properties.employee_id),
  from: Type.Optional(Payment.properties.period),
  to: Type.Optional(Payment.properties.period),
  kind: Type.Optional(Payment.properties.kind),
});
export type PaymentFilter = Static<typeof PaymentFilter>;

export const PaymentOrder = Type.Union([Type.Literal('asc'), Type.Literal('desc')], {
  description: 'by creation time: `asc` (default) oldest first, `desc` newest first',
});
export type PaymentOrder = Static<typeof PaymentOrder>;

/** One line of GET /api/payments/totals: the sum of the matching payments (reversals negative) of one period in one currency. */
export const PaymentTotal = Type.Object(
  {
    period: Payment.properties.period,
    currency: Currency,
    total_cents: Type.Integer({ description: 'sum of amount_cents (reversals count negative)' }),
    count: Type.Integer({ minimum: 1, description: 'how many records were summed' }),
  },
  { $id: 'PaymentTotal', description: 'Totals of one pay period in one currency.' },
);
export type PaymentTotal = Static<typeof PaymentTotal>;

/** The employee list filter: a name search and one department. */
export const EmployeeFilter = Type.Object({
  q: Type.Optional(
    Type.String({ minLength: 1, maxLength: PAYROLL_LIMITS.searchLength, description: 'part of the name, any case' }),
  ),
  department: Type.Optional(
    Type.String({ minLength: 1, maxLength: PAYROLL_LIMITS.textLength, description: 'exactly this department' }),
  ),
});
export type EmployeeFilter = Static<typeof EmployeeFilter>;

/** Required on every payment write: printable ASCII, 1..255 characters, scoped to the caller. */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 255,
    pattern: '^[\\x20-\\x7E]+$',
    description:
      'A client-chosen unique key (e.g. a UUID): a retry with the same key and body answers the first response again.',
  }),
});
