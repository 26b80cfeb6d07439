import { EMPLOYEE_LINK_ATTRIBUTE } from '@bulwark/contract';

/**
 * The payroll API's permissions (RFC 6749 scope-tokens in its tokens' `scope`), as the payroll
 * module registers them (PAYROLL_API_NEEDS) and checks them (viewer.ts, read-auth.ts,
 * write-auth.ts). Payroll decides by these, never by a role's name: any role an administrator
 * makes that grants them works the same as the demo's admin, clerk and employee roles.
 */
export const PAYROLL_PERMISSIONS = {
  /** Every employee and payment, bank accounts masked unless `write` is held too. */
  read: 'payroll:read',
  /** Create and change employees, issue and reverse payments (with step-up when configured). */
  write: 'payroll:write',
  /** The own employee record and payments (the token's `employee_id`). */
  readSelf: 'payroll:read:self',
} as const;

/** Each permission with the description the registry shows. */
export const PAYROLL_PERMISSION_LIST: readonly { name: string; description: string }[] = [
  { name: PAYROLL_PERMISSIONS.read, description: 'Read employees and payments' },
  { name: PAYROLL_PERMISSIONS.write, description: 'Create and change employees and payments' },
  { name: PAYROLL_PERMISSIONS.readSelf, description: 'Read the own employee record and payments' },
];

/**
 * What the payroll module needs of its API in the registry, registered at start-up
 * (src/compose/processes.ts): its permissions, and the employee link among its tokens' claims,
 * by which an employee's reads are scoped (viewer.ts).
 */
export const PAYROLL_API_NEEDS = {
  permissions: PAYROLL_PERMISSION_LIST,
  claims: [EMPLOYEE_LINK_ATTRIBUTE],
} as const;

/** The permissions a verified token carries (its space-separated `scope`). */
export function permissionsOf(scope: unknown): ReadonlySet<string> {
  return typeof scope === 'string' && scope !== '' ? new Set(scope.split(' ')) : new Set();
}
