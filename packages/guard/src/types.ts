import type { KeyObject } from 'node:crypto';
import type { SigningAlg } from './jws/algorithms.js';

export type { SigningAlg };

/** The claims of a verified Bulwark access token (RFC 9068 profile, CONTRACT §3). */
export interface AccessTokenClaims {
  iss: string;
  /** Opaque stable user id, never the username. */
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  sid?: string;
  client_id?: string;
  /** Space separated. */
  scope?: string;
  /** The legacy role (Bulwark's default API only). */
  role?: string;
  /** RFC 9068 §2.2.3.1: the roles granting what this token's scope holds at its API. */
  roles?: string[];
  employee_id?: string;
  nbf?: number;
  [claim: string]: unknown;
}

/**
 * A key that verifies under exactly one alg. For HS256 `key` is a secret KeyObject (never a raw
 * Buffer: on Node 24 HMAC with a Buffer key is about 5x slower); otherwise a public KeyObject.
 */
export interface VerificationKey {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly key: KeyObject;
}

/** Synchronous, in-memory lookup by kid (a remote JWKS source refreshes it out of band). */
export interface KeySource {
  get(kid: string): VerificationKey | undefined;
  /**
   * Optional, for sources that can fetch (a remote JWKS): called by `verifyAsync` after an
   * `unknown_kid` rejection. Resolves true when the kid may now be known (the verifier then
   * retries once); must rate-limit itself so that random kids cannot cause a fetch storm.
   */
  refreshForUnknownKid?(kid: string): Promise<boolean>;
}

/** Synchronous, in-memory; checked on every verification, after every other check. */
export interface RevocationSource {
  isRevoked(claims: AccessTokenClaims): boolean;
}
