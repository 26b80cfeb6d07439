import { createVerifier, isTokenError, type AccessTokenClaims, type KeySource, type RevocationSource } from '@bulwark/guard';
import { SIGNING_ALGS } from '@bulwark/guard/jose';
import type { Config } from '../../config/index.js';
import { ACCESS_TOKEN_REQUIRED_CLAIMS } from '../tokens.js';

export type OwnTokenSettings = Pick<Config, 'issuer' | 'clockSkewSeconds' | 'accessTokenTtlSeconds'>;

/**
 * The claims of an access token this service issued and that is valid right now (signature, iss,
 * exp, lifetime, required claims, not revoked), whatever its audience: a client token may be for
 * another API (RFC 8707). Undefined for anything else. The audience only picks the rule; the
 * signature and issuer are what make the token ours.
 */
export function createOwnTokenReader(settings: OwnTokenSettings, keys: KeySource, revocations: RevocationSource, now: () => number): (token: string) => AccessTokenClaims | undefined {
  return (token) => {
    const audiences = unverifiedAudiences(token);
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
    });
    try {
      return verifier.verify(token);
    } catch (error) {
      if (isTokenError(error)) return undefined;
      throw error;
    }
  };
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
