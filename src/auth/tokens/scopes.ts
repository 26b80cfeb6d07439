import type { Role } from '../../store/types.js';

/** The scopes each role's access tokens carry (space separated in the `scope` claim). */
export const ROLE_SCOPES: Readonly<Record<Role, readonly string[]>> = {
  admin: ['profile', 'payroll:read', 'payroll:write', 'admin'],
  clerk: ['profile', 'payroll:read'],
  employee: ['profile', 'payroll:read:self'],
};

/** The scope a client needs to read security events (given with `bulwark clients add --scope`). */
export const SSF_SCOPE = 'ssf:poll';
