import { createVerifier, isTokenError, type AccessTokenClaims, type KeySource, type RevocationSource } from '@bulwark/guard';
import { createTokenOpener, SIGNING_ALGS, type TokenOpener } from '@bulwark/guard/jose';
import type { Config } from '../../config/index.js';
import { decryptionFor } from '../tokens/token-encryption.js';
import { ACCESS_TOKEN_REQUIRED_CLAIMS } from '../tokens/access-tokens.js';

export type OwnTokenSettings = Pick<Config, 'issuer' | 'clockSkewSeconds' | 'accessTokenTtlSeconds' | 'tokenEncryption'>;

/**
 * The claims of an access token this service issued and that is valid right now (signature, iss,
 * exp, lifetime, required claims, not revoked), whatever its audience: a client token may be for
 * another API (RFC 8707). Undefined for anything else. The audience only picks the rule; the
 * signature and issuer are what make the token ours.
 */
export function createOwnTokenReader(settings: OwnTokenSettings, keys: KeySource, revocations: RevocationSource, now: () => number): (token: string) => AccessTokenClaims | undefined {
  const decryption = decryptionFor(settings.tokenEncryption);
  // An encrypted token's audience is read from the nested JWS (then the whole token is verified).
  const open = decryption.decryption === undefined ? undefined : createTokenOpener(decryption.decryption, 'at+jwt', 8192);
  return (token) => {
    const audiences = unverifiedAudiences(open === undefined ? token : openOrEmpty(open, token));
    if (audiences.length === 0) return undefined;
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
      ...decryption,
    });
    try {
      return verifier.verify(token);
    } catch (error) {
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
