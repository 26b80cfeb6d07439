import { VERIFIER_DEFAULTS } from '@bulwark/guard';
import { randomBase64url } from '../../jose/random.js';
import { signJwt } from '../../jose/sign.js';
import type { SigningKey } from '../../jose/keys.js';
import type { JweKey } from '@bulwark/guard/jose';
import { ACCESS_TOKEN_MAX_BYTES } from '@bulwark/contract';
import type { SessionRecord, UserRecord } from '../../store/types.js';
import { TokenTooLargeError } from '../../errors/index.js';
import type { Grant } from '../registry/grants.js';
import { sealAccessToken } from './token-encryption.js';

export const CLIENT_ID = 'bulwark';

/**
 * What Bulwark's own services require of an access token: the guard's defaults and `sid`, which
 * every token it issues carries (CONTRACT §3). A token without one could not be revoked by
 * session, so it is refused rather than trusted.
 */
export const ACCESS_TOKEN_REQUIRED_CLAIMS: readonly string[] = Object.freeze([
  ...VERIFIER_DEFAULTS.requiredClaims,
  'sid',
]);

export interface TokenSettings {
  issuer: string;
  /** The default API's identifier: only its tokens carry the legacy `role`. */
  audience: string;
  accessTokenTtlSeconds: number;
  /** Encrypt access tokens to this key after signing (BULWARK_TOKEN_ENCRYPTION_KEY_FILE). */
  tokenEncryption?: JweKey | undefined;
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  /** Seconds until expiry, as sent in `expires_in`. */
  expiresIn: number;
  exp: number;
  /** The granted scope, space separated (an encrypted token cannot be read back). */
  scope: string;
}

/**
 * An RFC 9068 access token (contract §3, §15.5) for the API of `grant`: `aud` its identifier,
 * `scope` the permissions held there, `roles` the roles granting them, and the user attributes
 * the API lists as claims. Its life is the API's TTL (else the configured one), but never past the
 * end of its session, so revoking a session bounds every token it issued. A token larger than
 * ACCESS_TOKEN_MAX_BYTES is refused (TokenTooLargeError) rather than sent.
 */
export function issueAccessToken(
  key: SigningKey,
  settings: TokenSettings,
  user: UserRecord,
  session: SessionRecord,
  grant: Grant,
  nowMs: number,
  /** RFC 9449 §6.1: bind the token to this DPoP key (cnf.jkt). */
  dpopJkt: string | null = null,
): IssuedAccessToken {
  const iat = Math.floor(nowMs / 1000);
  const ttl = grant.api.accessTokenTtlSeconds ?? settings.accessTokenTtlSeconds;
  const exp = Math.min(iat + ttl, Math.floor(session.expiresAt / 1000));
  const jti = randomBase64url(16);
  const scope = grant.permissions.join(' ');
  const claims: Record<string, unknown> = {
    iss: settings.issuer,
    sub: user.id,
    aud: grant.api.identifier,
    exp,
    iat,
    jti,
    sid: session.id,
    client_id: CLIENT_ID,
    scope,
  };
  if (grant.roles.length > 0) claims.roles = [...grant.roles];
  // The legacy claim of the default API's tokens (contract §3), which services written before
  // the registry read: the user's legacy role while they still hold it. (The employee link is an
  // attribute since 0013, carried because the payroll API lists it among its claims.)
  if (grant.api.identifier === settings.audience && grant.roles.includes(user.role)) claims.role = user.role;
  // RFC 9470 §6.1 / RFC 8176: how and when the user authenticated. A session is started by a
  // completed login, so its start is the auth_time, and refreshes keep both.
  claims.auth_time = Math.floor(session.createdAt / 1000);
  claims.amr = [...session.amr];
  const attributes = user.attributes ?? {};
  for (const name of grant.api.claims) {
    if (Object.hasOwn(attributes, name)) claims[name] = attributes[name];
  }
  if (dpopJkt !== null) claims.cnf = { jkt: dpopJkt };
  const token = sealAccessToken(signJwt(key, { typ: 'at+jwt' }, claims), settings.tokenEncryption);
  if (token.length > ACCESS_TOKEN_MAX_BYTES)
    throw new TokenTooLargeError(`access token of ${token.length} bytes`, {
      detail: `The access token would exceed ${ACCESS_TOKEN_MAX_BYTES} bytes: ask for a narrower scope.`,
    });
  return { token, jti, expiresIn: exp - iat, exp, scope };
}
