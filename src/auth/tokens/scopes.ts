import type { Role } from '../../store/types.js';

/** The scopes each role's access tokens carry (space separated in the `scope` claim). */
export const ROLE_SCOPES: Readonly<Record<Role, readonly string[]>> = {
  admin: ['profile', 'payroll:read', 'payroll:write', 'admin'],
  clerk: ['profile', 'payroll:read'],
  employee: ['profile', 'payroll:read:self'],
};
