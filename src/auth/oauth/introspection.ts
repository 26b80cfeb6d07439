import { OAUTH_ERROR } from '@bulwark/contract/registry';
import type { AccessTokenClaims } from '@bulwark/guard';
import { hashRefreshToken } from '../sessions/refresh-tokens.js';
import type { GrantSource } from '../registry/grants.js';
import { CLIENT_ID as FIRST_PARTY_CLIENT_ID } from '../tokens/access-tokens.js';
import type { Store } from '../../store/types.js';
import type { CallingClient } from './client-auth.js';
import { OAuthError } from './errors.js';

/** RFC 7662 §2.2. Never a username: `sub` is the opaque id, as in the tokens themselves. */
export type IntrospectionAnswer = { active: false } | ({ active: true } & Record<string, unknown>);

const INACTIVE = { active: false } as const;

export interface IntrospectionDeps {
  store: Store;
  readOwnToken: (token: string) => AccessTokenClaims | undefined;
  /** A refresh token's scope: what its user holds at the default API (what a refresh gets by default). */
  grants: Pick<GrantSource, 'userGrant' | 'defaultApi'>;
  issuer: string;
  now: () => number;
}

/**
 * POST /oauth/introspect: for clients registered with introspection only. Whatever is not valid
 * at this moment (expired, revoked, unknown, malformed, used, of a disabled user or client) is
 * {"active":false} and nothing more (§2.2).
 */
export class Introspection {
  constructor(private readonly deps: IntrospectionDeps) {}

  async introspect(caller: CallingClient | null, token: string): Promise<IntrospectionAnswer> {
    if (caller === null)
      throw new OAuthError(
        OAUTH_ERROR.invalid_client,
        'Client authentication failed.',
        'introspection without client authentication',
      );
    if (caller.kind !== 'confidential' || !caller.client.introspection)
      throw new OAuthError(OAUTH_ERROR.unauthorized_client, 'This client may not introspect tokens.');
    if (token.startsWith('brt_')) return this.#refreshToken(token);
    const claims = this.deps.readOwnToken(token);
    if (claims === undefined) return INACTIVE;
    if (claims.client_id !== FIRST_PARTY_CLIENT_ID && !(await this.#clientActive(claims.sub))) return INACTIVE;
    return {
      active: true,
      token_type: 'Bearer',
      scope: claims.scope,
      client_id: claims.client_id,
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
    };
  }

  /** A client token's client must still exist and be enabled (disabling also revokes, but a
   *  revocation reaches other instances by the feed or the next sync). */
  async #clientActive(clientId: string): Promise<boolean> {
    const client = await this.deps.store.clients.findById(clientId);
    return client !== undefined && !client.disabled;
  }

  /** Unused, unexpired, in an active session of an enabled user. */
  async #refreshToken(token: string): Promise<IntrospectionAnswer> {
    const hash = hashRefreshToken(token);
    const record = hash === undefined ? undefined : await this.deps.store.refreshTokens.findByHash(hash);
    const now = this.deps.now();
    if (record === undefined || record.usedAt !== null || record.expiresAt <= now) return INACTIVE;
    const session = await this.deps.store.sessions.findById(record.sessionId);
    if (session === undefined || session.revokedAt !== null || session.expiresAt <= now) return INACTIVE;
    const user = await this.deps.store.users.findById(session.userId);
    if (user === undefined || user.disabled) return INACTIVE;
    const grant = await this.deps.grants.userGrant(user.id, this.deps.grants.defaultApi());
    return {
      active: true,
      scope: grant?.permissions.join(' ') ?? '',
      client_id: FIRST_PARTY_CLIENT_ID,
      sub: user.id,
      iss: this.deps.issuer,
      exp: Math.floor(record.expiresAt / 1000),
      iat: Math.floor(record.createdAt / 1000),
    };
  }
}
