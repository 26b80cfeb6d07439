/**
 * The payroll reference API: employees and payments, built only on the public guard
 * (`app.requireAuth`), the shared errors and its own tables, as a third party would build theirs.
 */
import type { FastifyInstance } from 'fastify';
import { registerPayrollRoutes } from './routes.js';
import type { PayrollServices } from './services.js';

export { PAYROLL_API_NEEDS, PAYROLL_PERMISSION_LIST } from './access/permissions.js';
export { payrollMigrations } from './db/migration.js';
export type { PayrollTables } from './db/schema.js';
export { createPayrollServices, type PayrollDeps, type PayrollOptions, type PayrollServices } from './services.js';
export { employeeDirectory } from './employees/employee-directory.js';
export { seedDemoPayroll, type EmployeeLinks } from './seed.js';
export type { PayrollAudit, PayrollAuditType } from './audit.js';
export { IDEMPOTENCY_DEFAULTS, type IdempotencyOptions } from './idempotency/idempotency.js';

/** The payroll routes as an app module: `buildApp(parts, { modules: [payrollModule(payroll)] })`. */
export function payrollModule(payroll: PayrollServices): { name: string; register(app: FastifyInstance): void } {
  return { name: 'payroll', register: (app) => registerPayrollRoutes(app, payroll) };
}
