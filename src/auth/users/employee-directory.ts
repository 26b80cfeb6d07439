import { EMPLOYEE_LINK_ATTRIBUTE, employeeLinkIn } from '@bulwark/contract';
import { InvalidRequestError } from '../../errors/index.js';
import type { UserRecord } from '../../store/types.js';

/**
 * What the token service knows of payroll's employees: only whether a record exists, so that a
 * user's `employee_id` (set on a user, an invitation or a change) names a real one. The
 * composition root supplies it from the payroll tables (auth never imports payroll).
 */
export interface EmployeeDirectory {
  exists(employeeId: string): Promise<boolean>;
}

/** Refuses a link to an employee record that does not exist (null and undefined pass: no link, no change). */
export async function assertEmployeeExists(
  directory: EmployeeDirectory | undefined,
  employeeId: string | null | undefined,
): Promise<void> {
  if (employeeId === null || employeeId === undefined || directory === undefined) return;
  if (!(await directory.exists(employeeId))) {
    throw new InvalidRequestError('unknown employee', {
      detail: 'No employee record has this employee_id: pick an existing employee.',
    });
  }
}

/**
 * The payroll employee record a user is: their attribute `employee_id` (0013_employee_link),
 * which the payroll API carries as a claim; null: none.
 */
export function employeeLinkOf(user: Pick<UserRecord, 'attributes'>): string | null {
  return employeeLinkIn(user.attributes);
}

/** The attributes with the link set, or without it (null). */
export function withEmployeeLink(
  attributes: Readonly<Record<string, unknown>> | undefined,
  employeeId: string | null,
): Record<string, unknown> {
  const { [EMPLOYEE_LINK_ATTRIBUTE]: _previous, ...others } = attributes ?? {};
  return employeeId === null ? others : { ...others, [EMPLOYEE_LINK_ATTRIBUTE]: employeeId };
}

/**
 * Refuses an `employee_id` attribute that is not a string (the link names a record by its id);
 * set through `attributes` it is checked like the `employee_id` field.
 */
export function assertLinkIsText(attributes: Readonly<Record<string, unknown>>): void {
  const link = attributes[EMPLOYEE_LINK_ATTRIBUTE];
  if (link !== undefined && typeof link !== 'string')
    throw new InvalidRequestError('employee link not a string', {
      detail: `The attribute "${EMPLOYEE_LINK_ATTRIBUTE}" links the user to an employee record: it must be that record's id.`,
    });
}
