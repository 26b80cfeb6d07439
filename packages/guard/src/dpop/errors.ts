import { BulwarkError } from '../bulwark-error.js';

/**
 * Why a DPoP proof (RFC 9449 §4.3) was refused: stable strings for logs and metrics. Clients see
 * one answer, 401 invalid_dpop_proof (400 at the token endpoint), whatever the reason.
 */
export const DPOP_PROOF_REASONS = [
  'missing',
  'multiple',
  'malformed',
  'too_long',
  'header_invalid',
  'typ_invalid',
  'alg_not_allowed',
  'jwk_invalid',
  'signature_invalid',
  'claim_missing',
  'claim_invalid',
  'htm_mismatch',
  'htu_mismatch',
  'iat_stale',
  'iat_future',
  'ath_mismatch',
  'nonce_invalid',
  'replayed',
  'key_mismatch',
] as const;

/** Why a DPoP proof was refused (for logs; the answer does not say). */
export type DpopProofReason = (typeof DPOP_PROOF_REASONS)[number];

/** 401 invalid_dpop_proof (RFC 9449 §7.1; the token endpoint answers it as a 400, §5). */
export class InvalidDpopProofError extends BulwarkError {
  readonly code = 'invalid_dpop_proof';
  readonly status = 401;

  constructor(readonly reason: DpopProofReason) {
    super(`DPoP proof rejected: ${reason}`, { detail: 'The DPoP proof is missing or invalid for this request.' });
  }
}

/**
 * 401 use_dpop_nonce (RFC 9449 §8, §9): the server wants its nonce in the proof. `nonce` is the
 * one to use, sent back in the DPoP-Nonce header; it is public, not a secret.
 */
export class UseDpopNonceError extends BulwarkError {
  readonly code = 'use_dpop_nonce';
  readonly status = 401;

  constructor(readonly nonce: string) {
    super('DPoP proof rejected: the server nonce is missing or stale', {
      detail: 'Retry with a DPoP proof carrying the nonce of the DPoP-Nonce header.',
    });
  }
}

/**
 * 503: the replay cache holds as many unexpired proofs as it may and so cannot promise that this
 * one is used once (RFC 9449 §11.1). The proof is refused, not accepted unchecked; retry after
 * `retryAfterSeconds` (the adapters send it as Retry-After), when the oldest proofs expire.
 */
export class DpopReplayCacheFullError extends BulwarkError {
  readonly code = 'service_unavailable';
  readonly status = 503;

  constructor(readonly retryAfterSeconds: number) {
    super('DPoP replay cache full', { detail: 'The server is too busy to check DPoP proofs; retry shortly.' });
  }
}

/** The errors of a refused DPoP proof. */
export type DpopError = InvalidDpopProofError | UseDpopNonceError;

/** True for the errors of a refused DPoP proof. */
export function isDpopError(error: unknown): error is DpopError {
  return error instanceof InvalidDpopProofError || error instanceof UseDpopNonceError;
}
