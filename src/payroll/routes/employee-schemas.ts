import { Type } from 'typebox';
import { DATE_PATTERN } from '../domain/dates.js';
import { PAYROLL_LIMITS } from '../domain/limits.js';
import { closed, Currency, PageParams } from './common.js';

/** Employee request and response schemas: they validate, and they are the OpenAPI. */
const Text = Type.String({ minLength: 1, maxLength: PAYROLL_LIMITS.textLength });
const Status = Type.Union([Type.Literal('active'), Type.Literal('on_leave'), Type.Literal('terminated')]);

const writable = {
  name: Text,
  email: Type.String({ format: 'email', maxLength: PAYROLL_LIMITS.emailLength }),
  department: Text,
  title: Text,
  salary_cents: Type.Integer({ minimum: 1, maximum: PAYROLL_LIMITS.maxSalaryCents, description: 'gross yearly salary in minor units' }),
  currency: Currency,
  bank_account: Type.String({ minLength: 15, maxLength: 42, pattern: '^[A-Za-z0-9 ]+$', description: 'IBAN (spaces allowed)' }),
  hired_on: Type.String({ format: 'date', pattern: DATE_PATTERN, description: 'YYYY-MM-DD' }),
  status: Status,
};

export const NewEmployee = Type.Object({ ...writable, status: Type.Optional(Status) }, closed);

export const EmployeePatch = Type.Object({
  name: Type.Optional(writable.name),
  email: Type.Optional(writable.email),
  department: Type.Optional(writable.department),
  title: Type.Optional(writable.title),
  salary_cents: Type.Optional(writable.salary_cents),
  currency: Type.Optional(writable.currency),
  bank_account: Type.Optional(writable.bank_account),
  hired_on: Type.Optional(writable.hired_on),
  status: Type.Optional(Status),
}, { ...closed, minProperties: 1 });

export const Employee = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Type.String(),
  department: Type.String(),
  title: Type.String(),
  salary_cents: Type.Integer(),
  currency: Type.String(),
  bank_account: Type.String({ description: 'IBAN; masked (country code and last four only) for clerks' }),
  hired_on: Type.String(),
  status: Status,
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

export const EmployeeListQuery = Type.Object({ ...PageParams }, closed);
