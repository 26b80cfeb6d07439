import type { RequireAuthOptions } from '@bulwark/guard';

/** Who may write payroll: admins; with step-up configured, only after a recent second factor. */
export const ADMIN_WRITES: RequireAuthOptions = { roles: ['admin'] };

export interface WriteStepUp {
  maxAgeSeconds: number;
}

/** The requireAuth options of every payroll write (payments, reversals, employee edits). */
export function writeAuth(stepUp: WriteStepUp | undefined, now: () => number): RequireAuthOptions {
  if (stepUp === undefined) return ADMIN_WRITES;
  return { ...ADMIN_WRITES, stepUp: { amr: 'otp', maxAgeSeconds: stepUp.maxAgeSeconds, now } };
}
