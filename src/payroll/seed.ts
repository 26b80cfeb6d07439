import { randomUUID } from 'node:crypto';
import { employeesRepo, type EmployeeRecord } from './employees/employees-repo.js';
import { paymentsRepo, type PaymentRecord } from './payments/payments-repo.js';
import type { PayrollServices } from './services.js';
import { DEMO_DUPLICATE, DEMO_EMPLOYEES, DEMO_PERIODS } from './seed-data.js';

/** The `created_by` of seeded payments: no user made them. */
export const SEED_ACTOR = 'demo-seed';

/** Demo user name → the employee record it is linked to. */
export type EmployeeLinks = Partial<Record<string, string>>;

/**
 * Seeds the demo company in one transaction (development only): ten employees and the salary
 * runs of three months, with one duplicate payment that was reversed. On a database that already
 * has employees (a start that crashed after this step) it seeds nothing and returns the links.
 */
export async function seedDemoPayroll(payroll: PayrollServices): Promise<EmployeeLinks> {
  const existing = employeesRepo(payroll.db);
  if ((await existing.count()) > 0)
    return linksOf(await Promise.all(DEMO_EMPLOYEES.map((d) => existing.findByEmail(d.email))));
  return payroll.db.transaction().execute(async (trx) => {
    const employees = employeesRepo(trx);
    const payments = paymentsRepo(trx);
    const records: EmployeeRecord[] = [];
    for (const demo of DEMO_EMPLOYEES) {
      const at = Date.parse(`${demo.hiredOn}T08:00:00Z`);
      const { user: _user, paidUntil: _paidUntil, ...fields } = demo;
      const record: EmployeeRecord = { id: randomUUID(), ...fields, createdAt: at, updatedAt: at };
      await employees.insert(record);
      records.push(record);
    }
    for (const [month, period] of DEMO_PERIODS.entries()) {
      const runAt = Date.parse(`${period}-25T09:00:00Z`);
      for (const [i, employee] of records.entries()) {
        const demo = DEMO_EMPLOYEES[i];
        if (demo?.paidUntil !== undefined && period > demo.paidUntil) continue;
        const salary = salaryPayment(employee, period, runAt + i * 1000);
        await payments.insert(salary);
        if (employee.email === DEMO_DUPLICATE.email && period === DEMO_DUPLICATE.period) {
          const duplicate = { ...salary, id: randomUUID(), createdAt: runAt + 60_000 };
          await payments.insert(duplicate);
          const reversal: PaymentRecord = {
            ...duplicate,
            id: randomUUID(),
            amountCents: -duplicate.amountCents,
            kind: 'reversal',
            reversesPaymentId: duplicate.id,
            memo: 'Duplicate salary payment',
            createdAt: runAt + 24 * 3600_000 + month,
          };
          await payments.insert(reversal);
          await payments.markReversed(duplicate.id, reversal.id);
        }
      }
    }
    return linksOf(records);
  });
}

function salaryPayment(employee: EmployeeRecord, period: string, at: number): PaymentRecord {
  return {
    id: randomUUID(),
    employeeId: employee.id,
    amountCents: Math.round(employee.salaryCents / 12),
    currency: employee.currency,
    period,
    kind: 'payment',
    reversesPaymentId: null,
    reversedByPaymentId: null,
    memo: `Salary ${period}`,
    createdBy: SEED_ACTOR,
    createdAt: at,
  };
}

function linksOf(records: ReadonlyArray<EmployeeRecord | undefined>): EmployeeLinks {
  const links: EmployeeLinks = {};
  for (const demo of DEMO_EMPLOYEES) {
    const record = records.find((r) => r?.email === demo.email);
    if (demo.user !== undefined && record !== undefined) links[demo.user] = record.id;
  }
  return links;
}
