import type { Kysely } from 'kysely';
import type { PayrollDb, PayrollTables } from '../db/schema.js';
import { employeesRepo } from './employees-repo.js';

/**
 * Whether an employee record exists, for the token service's checks of users' employee links
 * (the composition root hands it over; the token service never reads payroll's tables itself).
 */
export function employeeDirectory<DB>(db: Kysely<DB>): { exists(employeeId: string): Promise<boolean> } {
  const employees = employeesRepo(db.withTables<PayrollTables>() as unknown as PayrollDb);
  return { exists: async (employeeId) => (await employees.findById(employeeId)) !== undefined };
}
