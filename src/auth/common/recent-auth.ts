import type { RequireAuthOptions } from '@bulwark/guard';
import type { AuthServices } from '../services.js';

/**
 * Changing how the account signs in (adding or removing a passkey, enrolling or removing TOTP)
 * needs a recent login, not just a live token: the token's auth_time within the step-up max age
 * (BULWARK_STEP_UP_MAX_AGE). Otherwise RFC 9470's 401 insufficient_user_authentication with
 * max_age, and the client signs in again (password or a passkey) and retries. Any method will do:
 * a stolen long-lived session is what this stops, not a weak first factor.
 */
export function recentAuth(services: Pick<AuthServices, 'config' | 'now'>): RequireAuthOptions {
  return { stepUp: { maxAgeSeconds: services.config.stepUp.maxAgeSeconds, now: services.now } };
}
