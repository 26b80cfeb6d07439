import { InvalidRequestError } from '../../errors/index.js';

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
