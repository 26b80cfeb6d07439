import { VERIFIER_DEFAULTS } from '@bulwark/guard';
import { randomBase64url } from '../../jose/random.js';
import { signJwt } from '../../jose/sign.js';
import type { SigningKey } from '../../jose/keys.js';
import type { JweKey } from '@bulwark/guard/jose';
import type { SessionRecord, UserRecord } from '../../store/types.js';
import { ROLE_SCOPES } from './scopes.js';
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
 * An RFC 9068 access token (CONTRACT §3). Its life is the configured TTL, but never past the
 * end of its session, so revoking a session bounds every token it issued.
 */
export function issueAccessToken(
  key: SigningKey,
  settings: TokenSettings,
  user: UserRecord,
  session: SessionRecord,
  nowMs: number,
  /** RFC 9449 §6.1: bind the token to this DPoP key (cnf.jkt). */
  dpopJkt: string | null = null,
): IssuedAccessToken {
  const iat = Math.floor(nowMs / 1000);
  const exp = Math.min(iat + settings.accessTokenTtlSeconds, Math.floor(session.expiresAt / 1000));
  const jti = randomBase64url(16);
  const claims: Record<string, unknown> = {
    iss: settings.issuer,
    sub: user.id,
    aud: settings.audience,
    exp,
    iat,
    jti,
    sid: session.id,
    client_id: CLIENT_ID,
    scope: ROLE_SCOPES[user.role].join(' '),
    role: user.role,
    // RFC 9470 §6.1 / RFC 8176: how and when the user authenticated. A session is started by a
    // completed login, so its start is the auth_time, and refreshes keep both.
    auth_time: Math.floor(session.createdAt / 1000),
    amr: [...session.amr],
  };
  if (user.employeeId !== null) claims.employee_id = user.employeeId;
  if (dpopJkt !== null) claims.cnf = { jkt: dpopJkt };
  const token = sealAccessToken(signJwt(key, { typ: 'at+jwt' }, claims), settings.tokenEncryption);
  return { token, jti, expiresIn: exp - iat, exp, scope: claims.scope as string };
}
