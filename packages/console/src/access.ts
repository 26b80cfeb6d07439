import type { BulwarkUser } from '@bulwark/client';
import { BULWARK_PERMISSION, PAYROLL_PERMISSIONS } from '@bulwark/contract/registry';

/**
 * The admin views and the permission at Bulwark's own API each needs (GET /api/users/me
 * `permissions`, contract §15.2). Only what to show: every call is still checked by the API.
 */
export const VIEW_PERMISSIONS = {
  '/users': BULWARK_PERMISSION['users:read'],
  '/apis': BULWARK_PERMISSION['apis:read'],
  '/roles': BULWARK_PERMISSION['roles:read'],
  '/keys': BULWARK_PERMISSION['keys:read'],
  '/audit': BULWARK_PERMISSION['audit:read'],
} as const;

/** Whether the user holds a permission of Bulwark's own API. */
export function holds(user: BulwarkUser, permission: string): boolean {
  return user.permissions.includes(permission);
}

/**
 * What the payroll views show, from the payroll token's `scope` (the payroll API checks every call
 * by the same permissions, contract §15.8): any role that grants them, not only the demo's.
 */
export interface PayrollAccess {
  /** payroll:read: every employee and payment. Without it, only the user's own (payroll:read:self). */
  reads: boolean;
  /** payroll:write: add and edit employees, pay, reverse; bank accounts unmasked. */
  writes: boolean;
}

export function payrollAccess(scope: readonly string[]): PayrollAccess {
  return { reads: scope.includes(PAYROLL_PERMISSIONS.read), writes: scope.includes(PAYROLL_PERMISSIONS.write) };
}

/** Whether the console shows the admin view at `path` to the user. */
export function mayView(user: BulwarkUser, path: keyof typeof VIEW_PERMISSIONS): boolean {
  return holds(user, VIEW_PERMISSIONS[path]);
}
