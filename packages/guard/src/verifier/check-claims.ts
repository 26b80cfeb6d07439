import { InvalidTokenError, TokenExpiredError } from '../errors.js';
import type { AccessTokenClaims } from '../types.js';

/** What the claims of a token must satisfy (iss, aud, times, required claims). */
export interface ClaimRules {
  readonly issuer: string;
  readonly audiences: readonly string[];
  readonly skewSeconds: number;
  /** exp − iat may not exceed this; Infinity for no limit. */
  readonly maxLifetimeSeconds: number;
  readonly required: readonly string[];
  /** Ms since the epoch. */
  readonly now: () => number;
}

/**
 * The JWT claim checks of CONTRACT §3, on a payload whose signature is already verified.
 * Presence, then types, then iss and aud, then time; exp is required whatever `required` says.
 * Claims are read by name (not through lists of names) to keep property access monomorphic.
 */
export function checkClaims(claims: Record<string, unknown>, rules: ClaimRules): AccessTokenClaims {
  const required = rules.required;
  for (let i = 0; i < required.length; i++) {
    if (!Object.hasOwn(claims, required[i] as string)) throw new InvalidTokenError('claim_missing');
  }
  const { iss, sub, aud, exp, nbf, iat, jti, sid, scope, role, client_id, employee_id } = claims;
  if (exp === undefined) throw new InvalidTokenError('claim_missing');
  if (
    !isFiniteNumber(exp) ||
    exp > MAX_NUMERIC_DATE ||
    (nbf !== undefined && !isFiniteNumber(nbf)) ||
    (iat !== undefined && !isFiniteNumber(iat)) ||
    (sub !== undefined && !isNonEmptyString(sub)) ||
    (jti !== undefined && !isNonEmptyString(jti)) ||
    notString(iss) ||
    notString(sid) ||
    notString(scope) ||
    notString(role) ||
    notString(client_id) ||
    notString(employee_id)
  ) {
    throw new InvalidTokenError('claim_invalid');
  }

  if (iss !== rules.issuer) throw new InvalidTokenError('iss_mismatch');
  const audOk = audienceMatches(aud, rules.audiences);
  if (audOk === null) throw new InvalidTokenError('claim_invalid');
  if (!audOk) throw new InvalidTokenError('aud_mismatch');

  // Whole seconds, like NumericDate and jose. RFC 7519 §4.1.4: the token must not be accepted
  // on or after exp, so the last accepted second is exp + skew - 1.
  const now = Math.floor(rules.now() / 1000);
  const skew = rules.skewSeconds;
  if (now >= exp + skew) throw new TokenExpiredError();
  if (nbf !== undefined && (nbf as number) > now + skew) throw new InvalidTokenError('nbf_future');
  if (iat !== undefined && (iat as number) > now + skew) throw new InvalidTokenError('iat_future');
  if (lifetimeExceeded(exp, iat as number | undefined, now, rules)) throw new InvalidTokenError('lifetime_exceeded');
  return claims as AccessTokenClaims;
}

/**
 * The exp of a token any sane issuer could sign: 9999-12-31T23:59:59Z. Beyond it (1e20, 1e308) a
 * NumericDate is not a date at all, so the token is claim_invalid whatever the lifetime limit.
 */
export const MAX_NUMERIC_DATE = 253_402_300_799;

/**
 * exp − iat above the limit. A token without iat (when the verifier does not require one) is held
 * to what iat_future already implies for one with iat (iat <= now + skew): exp <= now + skew +
 * limit. Either way no token is accepted for longer than limit + skew seconds of wall time, and
 * a verified token keeps passing as time goes on (the verified cache re-checks it regardless).
 */
export function lifetimeExceeded(exp: number, iat: number | undefined, nowSeconds: number, rules: ClaimRules): boolean {
  if (iat === undefined) return exp - nowSeconds > rules.maxLifetimeSeconds + rules.skewSeconds;
  return exp - iat > rules.maxLifetimeSeconds;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isNonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

/** Present but not a string. */
function notString(value: unknown): boolean {
  return value !== undefined && typeof value !== 'string';
}

/** true/false for a well-typed aud (string or array of strings), null for any other type. */
function audienceMatches(aud: unknown, audiences: readonly string[]): boolean | null {
  if (aud === undefined) return false;
  if (typeof aud === 'string') return audiences.includes(aud);
  if (!Array.isArray(aud)) return null;
  let match = false;
  for (const item of aud as unknown[]) {
    if (typeof item !== 'string') return null;
    if (!match && audiences.includes(item)) match = true;
  }
  return match;
}
