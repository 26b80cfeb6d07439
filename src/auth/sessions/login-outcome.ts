import {
  InvalidCredentialsError, InvalidLoginTokenError, InvalidMfaCodeError, InvalidPasskeyChallengeError, InvalidPasskeyError, MfaRequiredError,
  PasswordChangeRequiredError, ServiceUnavailableError, TooManyRequestsError,
} from '../../errors/index.js';
import type { AuthEventSink, LoginOutcome } from '../../metrics/index.js';

/** What a login step's failure says about the attempt (a metrics label: never about the caller). */
export function loginOutcome(error: unknown): LoginOutcome {
  if (error instanceof InvalidCredentialsError) return 'invalid_credentials';
  if (error instanceof InvalidMfaCodeError) return 'invalid_mfa_code';
  if (error instanceof InvalidLoginTokenError) return 'invalid_login_token';
  if (error instanceof InvalidPasskeyError || error instanceof InvalidPasskeyChallengeError) return 'invalid_passkey';
  if (error instanceof TooManyRequestsError) return 'throttled';
  if (error instanceof MfaRequiredError) return 'mfa_required';
  if (error instanceof PasswordChangeRequiredError) return 'password_change_required';
  if (error instanceof ServiceUnavailableError) return 'busy';
  return 'other';
}

/** Runs one login step (password, second factor, password change) and reports its outcome. */
export async function reportLogin<T>(events: AuthEventSink, step: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await step();
  } catch (error) {
    events.login(loginOutcome(error));
    throw error;
  }
  events.login('success');
  return result;
}
