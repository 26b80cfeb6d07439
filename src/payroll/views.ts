import type { EmployeeRecord } from './db/employees.js';
import type { PaymentRecord } from './db/payments.js';
import type { EmployeeStatus, PaymentKind } from './db/schema.js';
import { maskIban } from './domain/iban.js';

/** What the API shows of an employee (the response schema declares exactly these fields). */
export interface EmployeeView {
  id: string;
  name: string;
  email: string;
  department: string;
  title: string;
  salary_cents: number;
  currency: string;
  bank_account: string;
  hired_on: string;
  status: EmployeeStatus;
  created_at: string;
  updated_at: string;
}

export interface PaymentView {
  id: string;
  employee_id: string;
  amount_cents: number;
  currency: string;
  period: string;
  kind: PaymentKind;
  reverses_payment_id: string | null;
  reversed_by_payment_id: string | null;
  memo: string | null;
  created_by: string;
  created_at: string;
}

export function toEmployeeView(e: EmployeeRecord, maskBankAccount: boolean): EmployeeView {
  return {
    id: e.id, name: e.name, email: e.email, department: e.department, title: e.title, salary_cents: e.salaryCents,
    currency: e.currency, bank_account: maskBankAccount ? maskIban(e.bankAccount) : e.bankAccount, hired_on: e.hiredOn,
    status: e.status, created_at: new Date(e.createdAt).toISOString(), updated_at: new Date(e.updatedAt).toISOString(),
  };
}

export function toPaymentView(p: PaymentRecord): PaymentView {
  return {
    id: p.id, employee_id: p.employeeId, amount_cents: p.amountCents, currency: p.currency, period: p.period, kind: p.kind,
    reverses_payment_id: p.reversesPaymentId, reversed_by_payment_id: p.reversedByPaymentId, memo: p.memo,
    created_by: p.createdBy, created_at: new Date(p.createdAt).toISOString(),
  };
}
