import type { RequireAuthOptions } from '@bulwark/guard';
import type { Kysely } from 'kysely';
import type { PayrollAudit } from './audit.js';
import type { PayrollDb, PayrollTables } from './db/schema.js';
import { EmployeeService } from './employees/employee-service.js';
import { Idempotency, type IdempotencyOptions } from './idempotency/idempotency.js';
import { PaymentService } from './payments/payment-service.js';
import { writeAuth, type WriteStepUp } from './access/write-auth.js';

export interface PayrollDeps<DB> {
  /** The store's Kysely instance (`store.db`): payroll uses only its own tables on it. */
  db: Kysely<DB>;
  /** Where every payroll write is recorded (the token service's AuditLog fits). */
  audit: PayrollAudit;
  now?: () => number;
}

export interface PayrollOptions {
  idempotency?: Partial<IdempotencyOptions>;
  /** RFC 9470 step-up of writes (BULWARK_PAYROLL_WRITES_REQUIRE_MFA): undefined = admins with any login. */
  stepUp?: WriteStepUp | undefined;
}

/** The payroll API's parts, wired once: the HTTP routes, the seed and tests all start here. */
export interface PayrollServices {
  db: PayrollDb;
  employees: EmployeeService;
  payments: PaymentService;
  idempotency: Idempotency;
  /** requireAuth options of the write routes. */
  writeAuth: RequireAuthOptions;
}

export function createPayrollServices<DB>(deps: PayrollDeps<DB>, options: PayrollOptions = {}): PayrollServices {
  const now = deps.now ?? Date.now;
  const db = deps.db.withTables<PayrollTables>() as unknown as PayrollDb;
  const idempotency = new Idempotency(db, now, options.idempotency);
  return {
    db,
    employees: new EmployeeService(db, deps.audit, now),
    payments: new PaymentService(db, idempotency, deps.audit, now),
    idempotency,
    writeAuth: writeAuth(options.stepUp, now),
  };
}
