import { Type, type Static } from 'typebox';
import { DATE_PATTERN } from '../domain/dates.js';
import { PAYROLL_LIMITS } from '../domain/limits.js';
import { closed, Currency, DateTime, Id } from '../common/fields.js';

/**
 * The employee, declared once: `Employee` is what the API shows (the named OpenAPI schema and
 * the type toEmployeeView returns); the request bodies are picked from it, and the stored row
 * and record (db/) are derived from its type.
 */
const Text = Type.String({ minLength: 1, maxLength: PAYROLL_LIMITS.textLength });

export const EmployeeStatus = Type.Union([Type.Literal('active'), Type.Literal('on_leave'), Type.Literal('terminated')]);
export type EmployeeStatus = Static<typeof EmployeeStatus>;

export const Employee = Type.Object({
  id: Id,
  name: Text,
  email: Type.String({ format: 'email', maxLength: PAYROLL_LIMITS.emailLength, description: 'unique; stored lower-case' }),
  department: Text,
  title: Text,
  salary_cents: Type.Integer({ minimum: 1, maximum: PAYROLL_LIMITS.maxSalaryCents, description: 'gross yearly salary in minor units' }),
  currency: Currency,
  bank_account: Type.String({ description: 'IBAN, upper-case without spaces; masked (country code and last four only) for clerks' }),
  hired_on: Type.String({ format: 'date', pattern: DATE_PATTERN, description: 'YYYY-MM-DD' }),
  status: EmployeeStatus,
  created_at: DateTime,
  updated_at: DateTime,
}, { $id: 'Employee', description: 'An employee record (admins and clerks see all; an employee only themselves).' });
export type Employee = Static<typeof Employee>;

/** What an admin writes: the employee without the server's fields; the IBAN may carry spaces. */
const writable = {
  ...Type.Omit(Employee, ['id', 'created_at', 'updated_at']).properties,
  bank_account: Type.String({ minLength: 15, maxLength: 42, pattern: '^[A-Za-z0-9 ]+$', description: 'IBAN (spaces allowed)' }),
};

export const NewEmployee = Type.Object({ ...writable, status: Type.Optional(EmployeeStatus) }, closed);
export type NewEmployee = Static<typeof NewEmployee>;

export const EmployeePatch = Type.Partial(Type.Object(writable), { ...closed, minProperties: 1 });
export type EmployeePatch = Static<typeof EmployeePatch>;

/** The list filter: a name search and one department. */
export const EmployeeFilter = Type.Object({
  q: Type.Optional(Type.String({ minLength: 1, maxLength: PAYROLL_LIMITS.searchLength, description: 'part of the name, any case' })),
  department: Type.Optional(Type.String({ minLength: 1, maxLength: PAYROLL_LIMITS.textLength, description: 'exactly this department' })),
});
export type EmployeeFilter = Static<typeof EmployeeFilter>;
