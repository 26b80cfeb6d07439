import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { employeesRepo, type EmployeeRecord } from '../../src/payroll/employees/employees-repo.js';
import { paymentsRepo, type PaymentRecord } from '../../src/payroll/payments/payments-repo.js';
import { seedDemoPayroll } from '../../src/payroll/index.js';
import { bearer, createHarness, type Harness, type HarnessOptions } from '../helpers/harness.js';

export type PayrollRole = 'admin' | 'clerk' | 'employee';

export interface PayrollFixture {
  h: Harness;
  tokens: Record<PayrollRole, string>;
  /** carol's employee record (the employee role's own) and another employee's. */
  carol: EmployeeRecord;
  other: EmployeeRecord;
  everyone: EmployeeRecord[];
  /** A payment of carol's and one of the other employee's (seeded, not reversed). */
  carolPayment: PaymentRecord;
  otherPayment: PaymentRecord;
  adminId: string;
  /** `app.inject` as a role (bearer token set; extra headers merged). */
  as(role: PayrollRole, options: InjectOptions): Promise<LightMyRequestResponse>;
  employeeCount(): Promise<number>;
  paymentCount(): Promise<number>;
  allPayments(): Promise<PaymentRecord[]>;
  findEmployee(id: string): Promise<EmployeeRecord | undefined>;
  close(): Promise<void>;
}

/** The demo company (10 employees, 3 months of payments) with alice, bob and carol logged in. */
export async function payrollFixture(
  options: HarnessOptions = {},
  env: Record<string, string> = {},
): Promise<PayrollFixture> {
  const h = await createHarness(env, options);
  const links = await seedDemoPayroll(h.payroll);
  const repo = () => employeesRepo(h.payroll.db);
  const everyone = (await repo().list({ limit: 100 })).items;
  const carol = everyone.find((e) => e.id === links.carol);
  const other = everyone.find((e) => e.email === 'daniel.okafor@example.com');
  if (carol === undefined || other === undefined) throw new Error('demo seed without carol or daniel');
  const admin = await h.addUser('alice', 'admin');
  await h.addUser('bob', 'clerk');
  await h.addUser('carol', 'employee', undefined, carol.id);
  const tokens: Record<PayrollRole, string> = {
    admin: (await h.login('alice', 'alice-Correct-Horse-42')).access_token,
    clerk: (await h.login('bob', 'bob-Correct-Horse-42')).access_token,
    employee: (await h.login('carol', 'carol-Correct-Horse-42')).access_token,
  };
  const allPayments = async () => (await paymentsRepo(h.payroll.db).list({ limit: 1000 })).items;
  const payments = await allPayments();
  const firstOf = (id: string) =>
    payments.find((p) => p.employeeId === id && p.kind === 'payment' && p.reversedByPaymentId === null);
  const carolPayment = firstOf(carol.id);
  const otherPayment = firstOf(other.id);
  if (carolPayment === undefined || otherPayment === undefined) throw new Error('demo seed without payments');
  return {
    h,
    tokens,
    carol,
    other,
    everyone,
    carolPayment,
    otherPayment,
    adminId: admin.id,
    as: (role, options) =>
      h.app.inject({ ...options, headers: { ...bearer(tokens[role]), ...(options.headers ?? {}) } }),
    employeeCount: () => repo().count(),
    paymentCount: async () => (await allPayments()).length,
    allPayments,
    findEmployee: (id) => repo().findById(id),
    close: () => h.close(),
  };
}

/** A valid new-payment body for an employee. */
export function paymentBody(employeeId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    employee_id: employeeId,
    amount_cents: 250_000,
    currency: 'EUR',
    period: '2026-11',
    memo: 'November salary',
    ...overrides,
  };
}

/** A valid new-employee body (IBAN from the ISO 13616 examples). */
export function employeeBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Mara Jensen',
    email: `mara.${Math.random().toString(36).slice(2, 8)}@example.com`,
    department: 'Engineering',
    title: 'Site Reliability Engineer',
    salary_cents: 7_400_000,
    currency: 'EUR',
    bank_account: 'GB82 WEST 1234 5698 7654 32',
    hired_on: '2026-11-02',
    ...overrides,
  };
}

let keyCounter = 0;
/** A fresh Idempotency-Key header. */
export function idem(key = `test-key-${++keyCounter}-${Date.now()}`): { 'idempotency-key': string } {
  return { 'idempotency-key': key };
}
