import { OAUTH_ERROR } from '@bulwark/contract/registry';
import type { AccessTokenClaims } from '@bulwark/guard';
import type { AuditLog } from '../audit/audit-log.js';
import { hashRefreshToken } from '../sessions/refresh-tokens.js';
import type { RevocationService } from '../revocation/revocation-service.js';
import type { RequestMeta, SessionService } from '../sessions/session-service.js';
import { CLIENT_ID as FIRST_PARTY_CLIENT_ID } from '../tokens/access-tokens.js';
import type { Store } from '../../store/types.js';
import type { CallingClient } from './client-auth.js';
import { OAuthError } from './errors.js';

export interface TokenRevocationDeps {
  store: Store;
  sessions: SessionService;
  revocations: RevocationService;
  readOwnToken: (token: string) => AccessTokenClaims | undefined;
  audit: AuditLog;
}

/**
 * POST /oauth/revoke (RFC 7009). A token that is unknown, expired or already revoked answers 200
 * like a revoked one (§2.2). A token of another client is refused (§2.1). Revoking a refresh
 * token ends its whole session, access tokens included (§2.1: SHOULD, for the same grant); an
 * access token is revoked by its jti, published to every instance like any revocation.
 */
export class TokenRevocation {
  constructor(private readonly deps: TokenRevocationDeps) {}

  async revoke(caller: CallingClient | null, token: string, meta: RequestMeta): Promise<void> {
    if (caller === null)
      throw new OAuthError(
        OAUTH_ERROR.invalid_client,
        'Client authentication failed.',
        'revocation without client identification',
      );
    const callerId = caller.kind === 'public' ? caller.clientId : caller.client.id;
    if (token.startsWith('brt_')) return this.#refreshToken(callerId, token, meta);
    const claims = this.deps.readOwnToken(token);
    if (claims === undefined) return;
    if ((claims.client_id ?? FIRST_PARTY_CLIENT_ID) !== callerId) throw notYours();
    await this.deps.revocations.revokeToken(claims.jti, claims.exp);
    await this.deps.audit.record('oauth.token_revoked', {
      actorId: callerId,
      targetId: claims.jti,
      ip: meta.ip,
      details: { token_type: 'access_token' },
    });
  }

  async #refreshToken(callerId: string, token: string, meta: RequestMeta): Promise<void> {
    const hash = hashRefreshToken(token);
    const record = hash === undefined ? undefined : await this.deps.store.refreshTokens.findByHash(hash);
    if (record === undefined) return;
    if (callerId !== FIRST_PARTY_CLIENT_ID) throw notYours();
    const changed = await this.deps.sessions.revokeSession(record.sessionId, 'token_revoked');
    if (changed)
      await this.deps.audit.record('oauth.token_revoked', {
        actorId: callerId,
        targetId: record.sessionId,
        ip: meta.ip,
        details: { token_type: 'refresh_token' },
      });
  }
}

const notYours = (): OAuthError =>
  new OAuthError(OAUTH_ERROR.unauthorized_client, 'The token was not issued to this client.');
