import type { RequireAuthOptions } from '@bulwark/guard';
import { PAYROLL_PERMISSIONS } from '@bulwark/contract/registry';

/** Who may write payroll: holders of payroll:write; with step-up configured, only after a recent second factor. */
export const PAYROLL_WRITES: RequireAuthOptions = { scopes: [PAYROLL_PERMISSIONS.write] };

/**
 * The RFC 8176 methods any one of which makes a login strong enough for a payroll write: a
 * one-time code after the password (`otp`), or a passkey (`hwk`/`swk`: a key with user verification).
 */
export const STEP_UP_METHODS = ['otp', 'hwk', 'swk'] as const;

export interface WriteStepUp {
  maxAgeSeconds: number;
}

/** The requireAuth options of every payroll write (payments, reversals, employee edits). */
export function writeAuth(stepUp: WriteStepUp | undefined, now: () => number): RequireAuthOptions {
  if (stepUp === undefined) return PAYROLL_WRITES;
  return { ...PAYROLL_WRITES, stepUp: { amr: STEP_UP_METHODS, maxAgeSeconds: stepUp.maxAgeSeconds, now } };
}
