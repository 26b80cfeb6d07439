import { TokenExpiredError } from '../errors.js';
import { DpopReplayCacheFullError, InvalidDpopProofError, UseDpopNonceError } from './errors.js';
import { DPOP_ALGS } from './options.js';

/**
 * Errors of requests judged under the DPoP scheme (RFC 9449 §7.1), with the algs to advertise:
 * the refusals of the DPoP path (a token error for a DPoP request, a bound token sent as Bearer)
 * are marked here when thrown, so that the one challenge composer can answer in the DPoP scheme
 * without the errors growing fields.
 */
const marked = new WeakMap<object, string>();
const DEFAULT_ALGS = DPOP_ALGS.join(' ');

/** Marks `error` as a refusal under the DPoP scheme (with the proof algs to advertise) and returns it. */
export function markDpop<E>(error: E, algs: string): E {
  if (typeof error === 'object' && error !== null) marked.set(error, algs);
  return error;
}

/** The `WWW-Authenticate: DPoP …` of a DPoP refusal; undefined for any other error. */
export function dpopChallenge(status: number, code: string, error: unknown): string | undefined {
  if (status !== 401 || typeof error !== 'object' || error === null) return undefined;
  const algs = marked.get(error) ?? (isProofError(error) ? DEFAULT_ALGS : undefined);
  if (algs === undefined) return undefined;
  if (error instanceof UseDpopNonceError)
    return `DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof", algs="${algs}"`;
  if (error instanceof InvalidDpopProofError) return `DPoP error="invalid_dpop_proof", algs="${algs}"`;
  if (error instanceof TokenExpiredError)
    return `DPoP error="invalid_token", error_description="The access token expired", algs="${algs}"`;
  if (code === 'invalid_token') return `DPoP error="invalid_token", algs="${algs}"`;
  return `DPoP algs="${algs}"`;
}

/** Headers a DPoP refusal adds to its answer: the nonce to use next (RFC 9449 §8), or when to retry a proof the full replay cache refused. */
export function dpopResponseHeaders(error: unknown): Record<string, string> {
  if (error instanceof UseDpopNonceError) return { 'dpop-nonce': error.nonce };
  if (error instanceof DpopReplayCacheFullError) return { 'retry-after': String(error.retryAfterSeconds) };
  return {};
}

function isProofError(error: object): boolean {
  return error instanceof InvalidDpopProofError || error instanceof UseDpopNonceError;
}
