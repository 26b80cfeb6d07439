import type { FastifyInstance } from 'fastify';
import type { PayrollServices } from './services.js';
import { registerEmployeeRoutes } from './employees/routes.js';
import { registerPaymentRoutes } from './payments/routes.js';

export function registerPayrollRoutes(app: FastifyInstance, payroll: PayrollServices): void {
  registerEmployeeRoutes(app, payroll.employees, payroll.writeAuth);
  registerPaymentRoutes(app, payroll.payments, payroll.writeAuth);
}
