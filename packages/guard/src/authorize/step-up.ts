import { BulwarkError } from '../bulwark-error.js';
import type { AccessTokenClaims } from '../types.js';

/**
 * RFC 9470 step-up: what a route asks of the user's authentication beyond a valid token. The
 * token's `amr` (RFC 8176) must list `amr` (one of them, given a list), and its `auth_time` be
 * at most `maxAgeSeconds` old.
 */
export interface StepUpRequirement {
  /** An authentication method the login must have used, e.g. `otp`; a list: any one of them (`['otp', 'hwk', 'swk']`). */
  amr?: string | readonly string[];
  /** Most seconds since the user authenticated (auth_time); the challenge's max_age. */
  maxAgeSeconds: number;
  /** The clock (ms), Date.now by default. */
  now?: () => number;
}

/** Why a login fell short of a step-up requirement (for logs; the answer does not say). */
export type StepUpShortfall = 'amr_missing' | 'auth_time_missing' | 'auth_too_old';

/**
 * 401 insufficient_user_authentication: the token is valid but the login behind it is not strong
 * or recent enough. The challenge (challenge.ts) carries max_age; the client logs in again.
 */
export class InsufficientUserAuthenticationError extends BulwarkError {
  readonly code = 'insufficient_user_authentication';
  readonly status = 401;

  constructor(
    readonly shortfall: StepUpShortfall,
    readonly maxAgeSeconds: number,
  ) {
    super(`step-up required: ${shortfall}`, {
      detail:
        shortfall === 'auth_too_old'
          ? 'More recent authentication is required: log in again.'
          : 'A second factor is required: log in with your authenticator code.',
    });
  }

  /** RFC 9470 §3's error_description: fixed text, safe to quote. */
  get description(): string {
    return this.shortfall === 'auth_too_old'
      ? 'More recent authentication is required'
      : 'A different authentication level is required';
  }
}

/** The check of a route's requirement; a TypeError at set-up for a malformed one. */
export function createStepUpCheck(requirement: StepUpRequirement, label: string): (claims: AccessTokenClaims) => void {
  const { maxAgeSeconds } = requirement;
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds <= 0)
    throw new TypeError(`${label}: stepUp.maxAgeSeconds must be a positive whole number`);
  const amr =
    requirement.amr === undefined
      ? undefined
      : typeof requirement.amr === 'string'
        ? [requirement.amr]
        : [...requirement.amr];
  if (
    amr !== undefined &&
    (amr.length === 0 || amr.some((method) => typeof method !== 'string' || !/^[A-Za-z0-9_-]+$/.test(method)))
  ) {
    throw new TypeError(`${label}: stepUp.amr must be an RFC 8176 method name or a non-empty list of them`);
  }
  const now = requirement.now ?? Date.now;
  return (claims) => {
    if (
      amr !== undefined &&
      !(Array.isArray(claims.amr) && amr.some((method) => (claims.amr as unknown[]).includes(method)))
    )
      throw new InsufficientUserAuthenticationError('amr_missing', maxAgeSeconds);
    const authTime = claims.auth_time;
    if (typeof authTime !== 'number' || !Number.isFinite(authTime))
      throw new InsufficientUserAuthenticationError('auth_time_missing', maxAgeSeconds);
    if (Math.floor(now() / 1000) - authTime > maxAgeSeconds)
      throw new InsufficientUserAuthenticationError('auth_too_old', maxAgeSeconds);
  };
}
