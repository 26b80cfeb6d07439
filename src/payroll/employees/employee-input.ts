import { InvalidRequestError } from '../../errors/index.js';
import type { EmployeeFields } from './employees-repo.js';
import { isCurrency } from '../domain/currencies.js';
import { isRealDate } from '../domain/dates.js';
import { isValidIban, normalizeIban } from '../domain/iban.js';
import type { EmployeePatch } from '@bulwark/contract/types';

/** An employee body as the schema let it through (a new one has every field but status). */
export type EmployeeBody = EmployeePatch;

function invalid(field: string, what: string): InvalidRequestError {
  return new InvalidRequestError(`employee ${field} rejected`, { detail: `body/${field} ${what}.` });
}

function text(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '' || /\p{Cc}/u.test(trimmed))
    throw invalid(field, 'must be non-blank text without control characters');
  return trimmed;
}

/**
 * The checks a JSON schema cannot make (IBAN checksum, real calendar dates, real currencies),
 * and normalisation (trimmed text, lower-case email, IBAN without spaces). Returns only the
 * fields present in the body.
 */
export function parseEmployeeBody(body: EmployeeBody): Partial<EmployeeFields> {
  const out: Partial<EmployeeFields> = {
    name: text('name', body.name),
    email: text('email', body.email)?.toLowerCase(),
    department: text('department', body.department),
    title: text('title', body.title),
    salaryCents: body.salary_cents,
    status: body.status,
  };
  if (body.currency !== undefined) {
    if (!isCurrency(body.currency)) throw invalid('currency', 'must be an ISO 4217 currency code');
    out.currency = body.currency;
  }
  if (body.bank_account !== undefined) {
    const iban = normalizeIban(body.bank_account);
    if (!isValidIban(iban)) throw invalid('bank_account', 'must be a valid IBAN');
    out.bankAccount = iban;
  }
  if (body.hired_on !== undefined) {
    if (!isRealDate(body.hired_on)) throw invalid('hired_on', 'must be a real date (YYYY-MM-DD)');
    out.hiredOn = body.hired_on;
  }
  if (out.salaryCents !== undefined && !Number.isSafeInteger(out.salaryCents))
    throw invalid('salary_cents', 'must be an integer');
  for (const key of Object.keys(out) as Array<keyof EmployeeFields>) if (out[key] === undefined) delete out[key];
  return out;
}

/** Every field of a new employee, status defaulting to active. */
export function parseNewEmployee(body: EmployeeBody): EmployeeFields {
  const fields = parseEmployeeBody(body);
  const { name, email, department, title, salaryCents, currency, bankAccount, hiredOn } = fields;
  if (
    name === undefined ||
    email === undefined ||
    department === undefined ||
    title === undefined ||
    salaryCents === undefined ||
    currency === undefined ||
    bankAccount === undefined ||
    hiredOn === undefined
  ) {
    throw new InvalidRequestError('employee fields missing', { detail: 'body is missing a required field.' });
  }
  return {
    name,
    email,
    department,
    title,
    salaryCents,
    currency,
    bankAccount,
    hiredOn,
    status: fields.status ?? 'active',
  };
}
