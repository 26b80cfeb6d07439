import { BulwarkError } from './bulwark-error.js';

/**
 * Why a token was refused: stable strings for logs, metrics and the CLI. Clients never see them;
 * every reason but `expired` answers the same `invalid_token` with the same detail.
 */
export const INVALID_TOKEN_REASONS = [
  'missing',
  'malformed',
  'too_long',
  'header_invalid',
  'alg_not_allowed',
  'alg_key_mismatch',
  'unknown_kid',
  'typ_invalid',
  'crit_unsupported',
  'header_key_reference',
  'b64_unsupported',
  // Encrypted tokens (nested JWT in a JWE): a JWE where a JWS is expected and the reverse, then
  // the JWE's own checks. decryption_failed is one reason for a key that does not unwrap and a
  // tag that does not verify (no oracle between the two).
  'jwe_unexpected',
  'jwe_required',
  'enc_not_allowed',
  'zip_unsupported',
  'cty_invalid',
  'epk_invalid',
  'decryption_failed',
  'signature_invalid',
  'payload_invalid',
  'claim_missing',
  'claim_invalid',
  'expired',
  'nbf_future',
  'iat_future',
  'iss_mismatch',
  'aud_mismatch',
  'lifetime_exceeded',
  'revoked',
  // DPoP (RFC 9449 §7): a bound token sent as Bearer, a DPoP request with an unbound token, a
  // proof signed by another key than the token's cnf.jkt.
  'dpop_bound',
  'dpop_unbound',
  'dpop_key_mismatch',
] as const;

/** Why a token was refused: `error.reason`, for logs only (every answer says just invalid_token or token_expired). */
export type TokenRejectionReason = (typeof INVALID_TOKEN_REASONS)[number];
/** Every reason except `expired`, which has its own error (clients must know to refresh). */
export type InvalidTokenReason = Exclude<TokenRejectionReason, 'expired'>;

const INVALID_DETAIL = 'The access token is missing, invalid or revoked.';

/** 401 invalid_token. The message names the reason, never the token or any part of it. */
export class InvalidTokenError extends BulwarkError {
  readonly code = 'invalid_token';
  readonly status = 401;

  constructor(readonly reason: InvalidTokenReason) {
    super(`access token rejected: ${reason}`, { detail: INVALID_DETAIL });
  }
}

/** 401 token_expired: a genuine token past exp (+ skew); the signature was valid. */
export class TokenExpiredError extends BulwarkError {
  readonly code = 'token_expired';
  readonly status = 401;
  readonly reason = 'expired' as const;

  constructor() {
    super('access token rejected: expired', { detail: 'The access token has expired.' });
  }
}

/** The errors of a refused token (401). */
export type TokenError = InvalidTokenError | TokenExpiredError;

/** True for InvalidTokenError and TokenExpiredError (the 401s of a refused token). */
export function isTokenError(error: unknown): error is TokenError {
  return error instanceof InvalidTokenError || error instanceof TokenExpiredError;
}

/**
 * A JWKS fetch that failed: network error, timeout, redirect, HTTP status, content type, size,
 * or a document that is not a JWKS. The message names the URL (origin and path only) and why;
 * a remote key source keeps serving its last good keys when a refresh fails.
 */
export class JwksFetchError extends BulwarkError {
  readonly code = 'jwks_unavailable';
  readonly status = 503;

  constructor(where: string, why: string, options?: { cause?: unknown }) {
    super(`JWKS ${where}: ${why}`, { detail: 'The verification keys are unavailable; try again shortly.', ...options });
  }
}

/** Authenticated, but this role or scope may not do this. */
export class ForbiddenError extends BulwarkError {
  readonly code = 'forbidden';
  readonly status = 403;
}

/**
 * 403 forbidden for a token without a scope the route requires. `scope` is the route's required
 * scopes, space separated, for the challenge's scope attribute (RFC 6750 §3): route configuration,
 * never anything taken from the token.
 */
export class InsufficientScopeError extends ForbiddenError {
  constructor(readonly scope: string) {
    super('insufficient scope', { detail: 'The access token lacks a required scope.' });
  }
}
