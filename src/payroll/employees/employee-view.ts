import type { EmployeeRecord } from './employees-repo.js';
import { maskIban } from '../domain/iban.js';
import type { Employee } from '@bulwark/contract/types';

/** What the API shows of an employee: the Employee shape, the bank account masked for clerks. */
export function toEmployeeView(e: EmployeeRecord, maskBankAccount: boolean): Employee {
  return {
    id: e.id,
    name: e.name,
    email: e.email,
    department: e.department,
    title: e.title,
    salary_cents: e.salaryCents,
    currency: e.currency,
    bank_account: maskBankAccount ? maskIban(e.bankAccount) : e.bankAccount,
    hired_on: e.hiredOn,
    status: e.status,
    created_at: new Date(e.createdAt).toISOString(),
    updated_at: new Date(e.updatedAt).toISOString(),
  };
}
