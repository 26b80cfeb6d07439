import { InvalidTokenError } from '../errors.js';
import type { AccessTokenClaims } from '../types.js';
import type { Verifier } from '../verifier/verifier.js';
import { markDpop } from './challenge.js';
import { createDpopChecker, type DpopChecker } from './checker.js';
import { extractCredential, type AccessCredential } from './credential.js';
import { InvalidDpopProofError } from './errors.js';

/** What the adapters read from a request to authenticate it. */
export interface RequestCredentials {
  readonly authorization: string | undefined;
  /** The DPoP header(s), as the framework gives them. */
  readonly dpop: string | readonly string[] | undefined;
  /** node's rawHeaders, where there are: repeated Authorization headers are refused. */
  readonly rawHeaders?: readonly string[] | undefined;
  readonly method: string;
  /** The absolute URL the client used; only called for a DPoP request. */
  readonly url: () => string;
}

// A verifier that does not come from createVerifier (a test double) still checks proofs.
let fallbackChecker: DpopChecker | undefined;

/**
 * The access token of the request, verified, and the sender constraint it carries (RFC 9449 §7):
 * - `Authorization: Bearer` with a token bound to a key (cnf.jkt): refused (dpop_bound), since
 *   a bound token without its proof is exactly what a thief would send;
 * - `Authorization: DPoP` with an unbound token: refused (dpop_unbound);
 * - `Authorization: DPoP` with a bound token: the DPoP proof must pass every §4.3 check, with
 *   ath = the token's hash, and be signed by the key the token names (else dpop_key_mismatch).
 * The proof is checked on every request, after the token, whether the token came from the
 * verifier's cache or not. With 'verify' (the default) synchronous for Bearer and for DPoP with a
 * synchronous replay cache, verifyAsync only after unknown_kid; with 'verifyAsync' always a promise.
 */
export function authenticateRequest(
  verifier: Verifier,
  request: RequestCredentials,
  verification: 'verify' | 'verifyAsync' = 'verify',
): AccessTokenClaims | Promise<AccessTokenClaims> {
  const credential = extractCredential(request.authorization, request.rawHeaders);
  const checker = verifier.dpop ?? (fallbackChecker ??= createDpopChecker(undefined, 30, Date.now));
  const algs = checker.rules.algs;
  if (verification === 'verifyAsync') {
    return verifier
      .verifyAsync(credential.token)
      .then((claims) => constrain(claims, credential, request, checker))
      .catch((failure: unknown) => {
        throw mark(failure, credential, algs);
      });
  }
  let claims: AccessTokenClaims;
  try {
    claims = verifier.verify(credential.token);
  } catch (error) {
    if (!(error instanceof InvalidTokenError) || error.reason !== 'unknown_kid') throw mark(error, credential, algs);
    return verifier
      .verifyAsync(credential.token)
      .then((later) => constrain(later, credential, request, checker))
      .catch((failure: unknown) => {
        throw mark(failure, credential, algs);
      });
  }
  try {
    const result = constrain(claims, credential, request, checker);
    return result instanceof Promise
      ? result.catch((failure: unknown) => {
          throw mark(failure, credential, algs);
        })
      : result;
  } catch (error) {
    throw mark(error, credential, algs);
  }
}

function constrain(
  claims: AccessTokenClaims,
  credential: AccessCredential,
  request: RequestCredentials,
  checker: DpopChecker,
): AccessTokenClaims | Promise<AccessTokenClaims> {
  const jkt = boundKey(claims);
  if (credential.scheme === 'Bearer') {
    if (jkt !== undefined) throw markDpop(new InvalidTokenError('dpop_bound'), checker.rules.algs);
    return claims;
  }
  if (jkt === undefined) throw new InvalidTokenError('dpop_unbound');
  const proven = (proofJkt: string): AccessTokenClaims => {
    if (proofJkt !== jkt) throw new InvalidTokenError('dpop_key_mismatch');
    return claims;
  };
  const result = checker.check(request.dpop, {
    method: request.method,
    url: request.url(),
    accessToken: credential.token,
  });
  return result instanceof Promise ? result.then((proof) => proven(proof.jkt)) : proven(result.jkt);
}

/** cnf.jkt (RFC 9449 §6.1), or undefined for an unbound token. Any other confirmation method is refused: it cannot be checked here. */
function boundKey(claims: AccessTokenClaims): string | undefined {
  const cnf = claims.cnf;
  if (cnf === undefined) return undefined;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as { jkt?: unknown }).jkt : undefined;
  if (typeof jkt !== 'string' || jkt === '') throw new InvalidTokenError('claim_invalid');
  return jkt;
}

function mark(error: unknown, credential: AccessCredential, algs: string): unknown {
  return credential.scheme === 'DPoP' || error instanceof InvalidDpopProofError ? markDpop(error, algs) : error;
}
