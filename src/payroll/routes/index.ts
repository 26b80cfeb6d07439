import type { FastifyInstance } from 'fastify';
import { installWriteLimit } from '../../http/rate-limit-hook.js';
import type { RequestLimit } from '../../http/rate-limit.js';
import type { PayrollServices } from '../services.js';
import { registerEmployeeRoutes } from './employees.js';
import { registerPaymentRoutes } from './payments.js';

export function registerPayrollRoutes(app: FastifyInstance, payroll: PayrollServices, writeLimit?: RequestLimit): void {
  // Per-user write limit: a no-op when the token service on this app installed its own already.
  installWriteLimit(app, writeLimit);
  registerEmployeeRoutes(app, payroll.employees);
  registerPaymentRoutes(app, payroll.payments);
}
