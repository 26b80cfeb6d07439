import type { EmployeeRecord } from './db/employees.js';
import type { PaymentRecord } from './db/payments.js';
import { maskIban } from './domain/iban.js';
import type { Employee } from './shapes/employee.js';
import type { Payment } from './shapes/payment.js';

/** What the API shows of an employee: the Employee shape, the bank account masked for clerks. */
export function toEmployeeView(e: EmployeeRecord, maskBankAccount: boolean): Employee {
  return {
    id: e.id, name: e.name, email: e.email, department: e.department, title: e.title, salary_cents: e.salaryCents,
    currency: e.currency, bank_account: maskBankAccount ? maskIban(e.bankAccount) : e.bankAccount, hired_on: e.hiredOn,
    status: e.status, created_at: new Date(e.createdAt).toISOString(), updated_at: new Date(e.updatedAt).toISOString(),
  };
}

export function toPaymentView(p: PaymentRecord): Payment {
  return {
    id: p.id, employee_id: p.employeeId, amount_cents: p.amountCents, currency: p.currency, period: p.period, kind: p.kind,
    reverses_payment_id: p.reversesPaymentId, reversed_by_payment_id: p.reversedByPaymentId, memo: p.memo,
    created_by: p.createdBy, created_at: new Date(p.createdAt).toISOString(),
  };
}
