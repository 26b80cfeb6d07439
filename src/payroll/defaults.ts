import { checkedDefaults } from '../config/defaults.js';

/**
 * The payroll API's built-in defaults, declared here once and checked at load (positive
 * integers). Its bounds on values (PAYROLL_LIMITS) are part of the public contract
 * (@bulwark/contract); what a deployment may change is in src/config/config.ts.
 */
export const PAYROLL_DEFAULTS = checkedDefaults('payroll', {
  /** Idempotency-Key answers are kept 24 h; a claim's lease, a duplicate's wait, the first poll pause. */
  idempotency: { ttlMs: 24 * 3600_000, leaseMs: 4_000, waitMs: 5_000, pollMs: 10 },
});
