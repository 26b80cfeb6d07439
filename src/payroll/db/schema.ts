/**
 * The payroll tables for kysely (snake_case as in SQL), used through
 * `store.db.withTables<PayrollTables>()`. Portable types, as in the core: times are bigint
 * milliseconds (always passed through Number()), money is integer minor units.
 */
import type { Kysely } from 'kysely';
import type { Employee, EmployeeStatus, Payment, PaymentKind } from '@bulwark/contract/types';

export type { EmployeeStatus, PaymentKind };
export type IdempotencyStatus = 'in_progress' | 'done';

/** A stored row is the API shape with its times as milliseconds, not ISO strings. */
type StoredTimes<Shape, Times extends keyof Shape> = Omit<Shape, Times> & { [K in Times]: number };

/** The API's Employee; bank_account always in clear (upper-case, no spaces), email lower-case and unique. */
export type EmployeesTable = StoredTimes<Employee, 'created_at' | 'updated_at'>;

/** The API's Payment. */
export type PaymentsTable = StoredTimes<Payment, 'created_at'>;

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
