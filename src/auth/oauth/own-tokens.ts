import {
  createVerifier,
  isTokenError,
  type AccessTokenClaims,
  type DpopReplayCache,
  type KeySource,
  type RevocationSource,
  type Verifier,
} from '@bulwark/guard';
import { createTokenOpener, SIGNING_ALGS, type TokenOpener } from '@bulwark/guard/jose';
import type { Config } from '../../config/index.js';
import { decryptionFor } from '../tokens/token-encryption.js';
import { ACCESS_TOKEN_REQUIRED_CLAIMS } from '../tokens/access-tokens.js';

export type OwnTokenSettings = Pick<
  Config,
  'issuer' | 'clockSkewSeconds' | 'accessTokenTtlSeconds' | 'tokenEncryption'
>;

/**
 * How many audience lists keep a ready verifier. Real deployments have a handful of APIs; a
 * caller presenting tokens with ever new (forged) audiences only evicts, it never grows memory.
 */
const VERIFIERS_KEPT = 32;

/**
 * Verified tokens each of those verifiers remembers, so a resource server introspecting the same
 * token on every request pays for its signature once. exp, the lifetime limit and revocation are
 * still checked on every call (the guard's verified cache); a removed key flushes it.
 */
const VERIFIED_KEPT = 2_048;

/**
 * The reader never checks DPoP proofs (verify() alone never sees a request): this stands in for
 * the replay cache a verifier would otherwise allocate for nothing, and refuses if ever asked.
 */
const NO_PROOFS: DpopReplayCache = { firstUse: () => false };

/**
 * The claims of an access token this service issued and that is valid right now (signature, iss,
 * exp, lifetime, required claims, not revoked), whatever its audience: a client token may be for
 * another API (RFC 8707). Undefined for anything else. The audience only picks the rule; the
 * signature and issuer are what make the token ours.
 *
 * Everything is set up here, once: a verifier per audience list is built on first use and kept
 * (at most VERIFIERS_KEPT), so an introspection or revocation costs one verification (or a cache
 * hit), not a verifier's construction (which used to allocate a 100,000-entry DPoP replay cache
 * per call).
 */
export function createOwnTokenReader(
  settings: OwnTokenSettings,
  keys: KeySource,
  revocations: RevocationSource,
  now: () => number,
): (token: string) => AccessTokenClaims | undefined {
  const decryption = decryptionFor(settings.tokenEncryption);
  // An encrypted token's audience is read from the nested JWS (then the whole token is verified).
  const open =
    decryption.decryption === undefined ? undefined : createTokenOpener(decryption.decryption, 'at+jwt', 8192);
  const verifiers = new Map<string, Verifier>();
  // Which verifier last accepted a token: a token introspected again skips reading its audience
  // (a base64 decode and JSON parse) and goes straight to that verifier's cache, which checks
  // exp, the lifetime limit and revocation again. Only verified tokens get in, so it stays small.
  const verifiedBy = new Map<string, Verifier>();
  const verifierFor = (audiences: string[]): Verifier => {
    const key = JSON.stringify(audiences);
    const kept = verifiers.get(key);
    if (kept !== undefined) return kept;
    const verifier = createVerifier({
      issuer: settings.issuer,
      audience: audiences,
      algorithms: [...SIGNING_ALGS],
      keys,
      revocations,
      clockSkewSeconds: settings.clockSkewSeconds,
      maxTokenLifetimeSeconds: settings.accessTokenTtlSeconds + settings.clockSkewSeconds,
      requiredClaims: ACCESS_TOKEN_REQUIRED_CLAIMS,
      now,
      dpop: { replayCache: NO_PROOFS },
      cache: { max: VERIFIED_KEPT },
      ...decryption,
    });
    if (verifiers.size >= VERIFIERS_KEPT) {
      const oldest = verifiers.keys().next().value as string;
      const evicted = verifiers.get(oldest);
      verifiers.delete(oldest);
      for (const [token, by] of verifiedBy) if (by === evicted) verifiedBy.delete(token);
    }
    verifiers.set(key, verifier);
    return verifier;
  };
  return (token) => {
    let verifier = verifiedBy.get(token);
    if (verifier === undefined) {
      const audiences = unverifiedAudiences(open === undefined ? token : openOrEmpty(open, token));
      if (audiences.length === 0) return undefined;
      verifier = verifierFor(audiences);
    }
    try {
      const claims = verifier.verify(token);
      if (!verifiedBy.has(token)) {
        if (verifiedBy.size >= VERIFIED_KEPT) verifiedBy.delete(verifiedBy.keys().next().value as string);
        verifiedBy.set(token, verifier);
      }
      return claims;
    } catch (error) {
      verifiedBy.delete(token);
      if (isTokenError(error)) return undefined;
      throw error;
    }
  };
}
function openOrEmpty(open: TokenOpener, token: string): string {
  try {
    return open(token);
  } catch (error) {
    if (isTokenError(error)) return '';
    throw error;
  }
}

function unverifiedAudiences(token: string): string[] {
  const parts = token.split('.');
  if (parts.length !== 3 || token.length > 8192) return [];
  try {
    const { aud } = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as { aud?: unknown };
    const list = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    return list.filter((a): a is string => typeof a === 'string' && a !== '').slice(0, 10);
  } catch {
    return [];
  }
}
