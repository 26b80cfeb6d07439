import { OAUTH_ERROR, PROBLEM_CODE } from '@bulwark/contract/registry';
import type { KeyManager } from '../keys/key-manager.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { GrantSource } from '../registry/grants.js';
import { clientGrantFor, tokenTarget, type TokenTarget } from '../tokens/token-target.js';
import type { RequestMeta, SessionService } from '../sessions/session-service.js';
import type { RequestLimit } from '../../http/rate-limit.js';
import { claimedClientId, type CallingClient, type ClientAuthenticator } from './client-auth.js';
import type { ClientThrottle } from './client-throttle.js';
import { issueClientToken, type ClientTokenSettings } from './client-token.js';
import { OAuthError } from './errors.js';
import { listParam, optionalParam, requiredParam, type FormParams } from './params.js';

/** RFC 6749 §5.1. */
export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

export interface OAuthRequest {
  params: FormParams;
  authorization: string | undefined;
  meta: RequestMeta;
}

export interface TokenEndpointDeps {
  authenticator: ClientAuthenticator;
  throttle: ClientThrottle;
  /** The first-party refresh limit per IP (the same as POST /api/users-sessions/refresh). */
  refreshLimit: RequestLimit;
  sessions: SessionService;
  grants: GrantSource;
  keys: Pick<KeyManager, 'currentSigningKey'>;
  audit: AuditLog;
  settings: ClientTokenSettings & { tokenEndpoint: string };
  now: () => number;
}

export const GRANT_TYPES = ['client_credentials', 'refresh_token'] as const;

/** The client errors of a token request that are audited (oauth.token_failed): what a client did wrong, not a DPoP retry or an outage. */
const AUDITED_ERRORS: ReadonlySet<string> = new Set([
  OAUTH_ERROR.invalid_client,
  OAUTH_ERROR.invalid_grant,
  OAUTH_ERROR.invalid_scope,
  OAUTH_ERROR.invalid_target,
  OAUTH_ERROR.unauthorized_client,
  OAUTH_ERROR.unsupported_grant_type,
  OAUTH_ERROR.invalid_request,
  PROBLEM_CODE.resource_not_granted,
  PROBLEM_CODE.token_too_large,
]);

/** POST /oauth/token (RFC 6749 §3.2): client credentials for machines, refresh rotation for the first party. */
export class TokenEndpoint {
  constructor(private readonly deps: TokenEndpointDeps) {}

  async handle(request: OAuthRequest): Promise<TokenAnswer> {
    const { params, authorization, meta } = request;
    const claimed = claimedClientId(authorization, params);
    let grantType: string | undefined;
    try {
      grantType = requiredParam(params, 'grant_type');
      await this.deps.throttle.check(claimed, meta.ip);
      const caller = await this.deps.authenticator.authenticate(
        authorization,
        params,
        this.deps.settings.tokenEndpoint,
      );
      if (grantType === 'client_credentials')
        return await this.#clientCredentials(caller, params, meta.dpopJkt ?? null);
      if (grantType === 'refresh_token') return await this.#refresh(caller, params, meta);
      throw new OAuthError(
        OAUTH_ERROR.unsupported_grant_type,
        'Supported grant types: client_credentials, refresh_token.',
      );
    } catch (error) {
      await this.#failed(error, claimed, grantType, meta);
      throw error;
    }
  }

  async #clientCredentials(
    caller: CallingClient | null,
    params: FormParams,
    dpopJkt: string | null,
  ): Promise<TokenAnswer> {
    if (caller === null)
      throw new OAuthError(
        OAUTH_ERROR.invalid_client,
        'Client authentication failed.',
        'client_credentials without client authentication',
      );
    if (caller.kind === 'public')
      throw new OAuthError(OAUTH_ERROR.unauthorized_client, 'A public client cannot use client credentials.');
    const { client } = caller;
    const target = oauthTarget(params, this.deps.grants.defaultApi());
    const held = await clientGrantFor(this.deps.grants, client.id, client.audiences, target);
    const grant = {
      scopes: held.permissions,
      audiences: [held.api.identifier],
      ttlSeconds: held.api.accessTokenTtlSeconds,
    };
    // RFC 9449 §5: a confidential client's access token is bound to its proof key; it gets no refresh token.
    const issued = issueClientToken(
      await this.deps.keys.currentSigningKey(),
      this.deps.settings,
      client,
      grant,
      this.deps.now(),
      dpopJkt,
    );
    return {
      access_token: issued.token,
      token_type: dpopJkt === null ? 'Bearer' : 'DPoP',
      expires_in: issued.expiresIn,
      scope: grant.scopes.join(' '),
    };
  }

  /**
   * The first party's refresh rotation (SessionService.refresh: single use, reuse window, reuse
   * revokes the session), for the public client `bulwark` only: a refresh token belongs to it.
   */
  async #refresh(caller: CallingClient | null, params: FormParams, meta: RequestMeta): Promise<TokenAnswer> {
    if (caller?.kind === 'confidential')
      throw new OAuthError(
        OAUTH_ERROR.invalid_grant,
        'The refresh token is invalid, expired or revoked.',
        'refresh token presented by another client',
      );
    const presented = requiredParam(params, 'refresh_token');
    await this.deps.refreshLimit.hit(meta.ip ?? 'unknown');
    const target = oauthTarget(params, this.deps.grants.defaultApi());
    const pair = await this.deps.sessions.refresh(presented, meta, target);
    return {
      access_token: pair.accessToken,
      token_type: pair.tokenType,
      expires_in: pair.expiresIn,
      refresh_token: pair.refreshToken,
      scope: pair.scope,
    };
  }

  async #failed(
    error: unknown,
    claimed: string | undefined,
    grantType: string | undefined,
    meta: RequestMeta,
  ): Promise<void> {
    if (!(error instanceof Error) || !('code' in error)) return;
    const code = String(error.code);
    if (code === OAUTH_ERROR.invalid_client) await this.deps.throttle.failed(claimed, meta.ip);
    if (!AUDITED_ERRORS.has(code)) return;
    await this.deps.audit.record('oauth.token_failed', {
      targetId: claimed ?? null,
      ip: meta.ip,
      details: {
        error: code,
        grant_type: grantType === undefined ? null : grantType.slice(0, 64),
        reason: error.message.slice(0, 200),
      },
    });
  }
}

/**
 * The form's target (RFC 8707 §2: one `resource` here, since a token is for one API and its
 * permissions are that API's; RFC 6749 §3.3 `scope`), its syntax errors in OAuth's own codes.
 */
function oauthTarget(params: FormParams, defaultApi: string): TokenTarget {
  const resources = listParam(params, 'resource');
  if (resources.length > 1)
    throw new OAuthError(OAUTH_ERROR.invalid_target, 'Name one resource per token request.', 'resource repeated');
  return tokenTarget(resources[0], optionalParam(params, 'scope'), defaultApi);
}
