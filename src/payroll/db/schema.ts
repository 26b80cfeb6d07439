/**
 * The payroll tables for kysely (snake_case as in SQL), used through
 * `store.db.withTables<PayrollTables>()`. Portable types, as in the core: times are bigint
 * milliseconds (always passed through Number()), money is integer minor units.
 */
import type { Kysely } from 'kysely';

export type EmployeeStatus = 'active' | 'on_leave' | 'terminated';
export type PaymentKind = 'payment' | 'reversal';
export type IdempotencyStatus = 'in_progress' | 'done';

export interface EmployeesTable {
  id: string;
  name: string;
  /** Lower-case; unique. */
  email: string;
  department: string;
  title: string;
  /** Gross yearly salary in minor units of `currency`. */
  salary_cents: number;
  currency: string;
  /** IBAN, upper-case without spaces. Shown in clear to admins and to the employee only. */
  bank_account: string;
  /** YYYY-MM-DD. */
  hired_on: string;
  status: EmployeeStatus;
  created_at: number;
  updated_at: number;
}

export interface PaymentsTable {
  id: string;
  employee_id: string;
  /** Positive for a payment, the negated original for a reversal. */
  amount_cents: number;
  currency: string;
  /** YYYY-MM. */
  period: string;
  kind: PaymentKind;
  reverses_payment_id: string | null;
  reversed_by_payment_id: string | null;
  memo: string | null;
  created_by: string;
  created_at: number;
}

export interface IdempotencyKeysTable {
  key: string;
  /** The `sub` of the caller: keys are scoped per actor. */
  actor: string;
  /** The route's stable name, e.g. `payments.create`. */
  route: string;
  request_hash: string;
  status: IdempotencyStatus;
  response_status: number | null;
  /** The exact bytes of the first answer. */
  response_body: string | null;
  /** When the current holder claimed the key. */
  created_at: number;
  expires_at: number;
  /** The process instance holding the claim (random per process start). */
  owner: string;
  /** This claim: the compare-and-set token of renew, complete, release and take-over. */
  claim_id: string;
  /** The claim is abandoned (may be taken over) once this passes without a renewal. */
  lease_until: number;
}

export type PayrollTables = {
  employees: EmployeesTable;
  payments: PaymentsTable;
  idempotency_keys: IdempotencyKeysTable;
};

/** The payroll module's view of the database (a transaction is one too). */
export type PayrollDb = Kysely<PayrollTables>;
