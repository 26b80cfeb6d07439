import { PROBLEM_CODE } from '@bulwark/contract/registry';
import { INVALID_TOKEN_REASONS, type TokenRejectionReason } from '@bulwark/guard';

/**
 * The label values of the counters: fixed lists, so every series exists (at 0) from the first
 * scrape and no caller can add a label value (no usernames, addresses or tokens can reach a label).
 */
/** The problem codes a login step ends in that are their own login outcome (the label is the code). */
export const LOGIN_OUTCOME_CODES = [
  PROBLEM_CODE.invalid_credentials,
  PROBLEM_CODE.invalid_mfa_code,
  PROBLEM_CODE.invalid_login_token,
  PROBLEM_CODE.invalid_passkey,
  PROBLEM_CODE.mfa_required,
  PROBLEM_CODE.password_change_required,
] as const;
/** The outcomes named after what happened, not a code: `throttled` is too_many_requests, `busy` service_unavailable. */
export const LOGIN_OUTCOMES = ['success', ...LOGIN_OUTCOME_CODES, 'throttled', 'busy', 'other'] as const;
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];

export const REFRESH_OUTCOMES = ['rotated', 'replayed_within_window', 'reuse_detected'] as const;
export type RefreshOutcome = (typeof REFRESH_OUTCOMES)[number];

/**
 * `ok`, or the guard's reason for refusing a token the verifier was given. `missing` is not among
 * them: a request without a bearer token never reaches the verifier (it is a 401 of the request
 * histogram).
 */
export type VerificationOutcome = 'ok' | TokenRejectionReason;
export const VERIFICATION_OUTCOMES: readonly VerificationOutcome[] = [
  'ok',
  ...INVALID_TOKEN_REASONS.filter((reason) => reason !== 'missing'),
];

export const JWKS_FETCH_OUTCOMES = ['ok', 'error'] as const;
export type JwksFetchOutcome = (typeof JWKS_FETCH_OUTCOMES)[number];

/** How a revocation travelled: Redis pub/sub to another instance, or a SET poll answer to a receiver. */
export const REVOCATION_FEEDS = ['redis_pubsub', 'set_poll'] as const;
export type RevocationFeedName = (typeof REVOCATION_FEEDS)[number];

/** What the token service reports of logins and refreshes (Metrics implements it; tests may too). */
export interface AuthEventSink {
  login(outcome: LoginOutcome): void;
  refresh(outcome: RefreshOutcome): void;
}

export const NO_AUTH_EVENTS: AuthEventSink = { login: () => {}, refresh: () => {} };
