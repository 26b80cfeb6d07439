import type { SigningKey } from '../../jose/keys.js';
import { randomBase64url } from '../../jose/random.js';
import { signJwt } from '../../jose/sign.js';
import type { ClientRecord } from '../../store/types.js';
import { clientGrantSid } from '../clients/grant-sid.js';
import type { IssuedAccessToken, TokenSettings } from '../tokens/access-tokens.js';
import { sealAccessToken } from '../tokens/token-encryption.js';

export interface ClientTokenSettings extends Pick<TokenSettings, 'tokenEncryption'> {
  issuer: string;
  accessTokenTtlSeconds: number;
}

/**
 * An RFC 9068 access token for a client acting for itself (client credentials): sub and client_id
 * are the client, no role. `sid` names the client's current credential (clientGrantSid): every
 * Bulwark access token carries one (the verifier requires it, so a user token without its session
 * can never pass). Rotating the secret revokes the old credential's sid; disabling the client
 * revokes its tokens by sub (a cut-off the skew ahead: it gets no token while disabled); RFC 7009
 * revokes one by jti.
 */
export function issueClientToken(
  key: SigningKey,
  settings: ClientTokenSettings,
  client: ClientRecord,
  /** `ttlSeconds`: the API's own access-token lifetime, or null for the configured one. */
  grant: { scopes: readonly string[]; audiences: readonly string[]; ttlSeconds?: number | null },
  nowMs: number,
  /** RFC 9449 §6.1: bind the token to this DPoP key (cnf.jkt). */
  dpopJkt: string | null = null,
): IssuedAccessToken {
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + (grant.ttlSeconds ?? settings.accessTokenTtlSeconds);
  const jti = randomBase64url(16);
  const claims = {
    iss: settings.issuer,
    sub: client.id,
    aud: grant.audiences.length === 1 ? grant.audiences[0] : [...grant.audiences],
    exp,
    iat,
    jti,
    sid: clientGrantSid(client),
    client_id: client.id,
    scope: grant.scopes.join(' '),
    ...(dpopJkt === null ? {} : { cnf: { jkt: dpopJkt } }),
  };
  const token = sealAccessToken(signJwt(key, { typ: 'at+jwt' }, claims), settings.tokenEncryption);
  return { token, jti, expiresIn: exp - iat, exp, scope: claims.scope };
}
