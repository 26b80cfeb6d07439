import { PROBLEM_CODE } from '@bulwark/contract/registry';
import { BulwarkError } from '../../errors/index.js';
import { LOGIN_OUTCOME_CODES, type AuthEventSink, type LoginOutcome } from '../../metrics/index.js';

const OWN_OUTCOMES: ReadonlySet<string> = new Set(LOGIN_OUTCOME_CODES);
const RENAMED: Readonly<Record<string, LoginOutcome>> = {
  [PROBLEM_CODE.too_many_requests]: 'throttled',
  [PROBLEM_CODE.service_unavailable]: 'busy',
  [PROBLEM_CODE.invalid_passkey_challenge]: PROBLEM_CODE.invalid_passkey,
};

/** What a login step's failure says about the attempt, read from its problem code (a metrics label: never about the caller). */
export function loginOutcome(error: unknown): LoginOutcome {
  if (!(error instanceof BulwarkError)) return 'other';
  if (OWN_OUTCOMES.has(error.code)) return error.code as LoginOutcome;
  return RENAMED[error.code] ?? 'other';
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
