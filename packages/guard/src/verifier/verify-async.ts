import { parseJsonObject } from '../encoding/strict-json.js';
import { InvalidTokenError } from '../errors.js';
import type { AccessTokenClaims, KeySource } from '../types.js';

type Verify = (token: string) => AccessTokenClaims;

/**
 * `verifyAsync` for a verifier: the synchronous verify, and when it refuses a token for an
 * unknown kid and the key source can fetch, one wait for `refreshForUnknownKid` (which rate-limits
 * itself) and, if that says the kid may now be known, one more verify. Every other outcome is
 * exactly verify's. Without a fetching key source it is verify wrapped in a promise.
 */
export function createVerifyAsync(
  verify: Verify,
  keys: KeySource,
  open?: (token: string) => string,
): (token: string) => Promise<AccessTokenClaims> {
  if (typeof keys.refreshForUnknownKid !== 'function') {
    return (token) => {
      try {
        return Promise.resolve(verify(token));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    };
  }
  const refresh = (kid: string): Promise<boolean> =>
    (keys.refreshForUnknownKid as (kid: string) => Promise<boolean>).call(keys, kid);
  return async (token) => {
    try {
      return verify(token);
    } catch (error) {
      if (!(error instanceof InvalidTokenError) || error.reason !== 'unknown_kid') throw error;
      // An encrypted token's signing kid is in the nested JWS (the JWE header names the decryption key).
      const kid = headerKid(open === undefined ? token : open(token));
      // A source that rejects has failed to fetch: the token stays refused as unknown_kid (a 401, not a 500).
      if (kid === undefined || !(await refresh(kid).catch(() => false))) throw error;
      return verify(token);
    }
  };
}

/** The kid of a token whose header already passed verification (only reached after unknown_kid). */
function headerKid(token: string): string | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  const header = parseJsonObject(Buffer.from(token.slice(0, dot), 'base64url'));
  return typeof header?.kid === 'string' ? header.kid : undefined;
}
