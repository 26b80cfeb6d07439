import type { AccessTokenClaims } from '@bulwark/guard';
import { OAUTH_ERROR } from '@bulwark/contract/registry';
import type { Config } from '../../config/index.js';
import type { LimiterBackend, RequestLimit } from '../../http/rate-limit.js';
import type { Store } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import { AssertionVerifier, MAX_ASSERTION_SECONDS } from '../clients/assertion.js';
import { ClientKeys } from '../clients/client-keys.js';
import type { ClientRegistry } from '../clients/registry.js';
import { AssertionReplayGuard } from '../clients/replay-guard.js';
import type { KeyManager } from '../keys/key-manager.js';
import type { RevocationService } from '../revocation/revocation-service.js';
import type { GrantSource } from '../registry/grants.js';
import type { SessionService } from '../sessions/session-service.js';
import { ClientAuthenticator, claimedClientId, type CallingClient } from './client-auth.js';
import type { FormParams } from './params.js';
import { policyFromLimits, type ThrottlePolicy } from '../throttle/index.js';
import { ClientThrottle, type ClientThrottlePolicy } from './client-throttle.js';
import { Introspection } from './introspection.js';
import { createOwnTokenReader } from './own-tokens.js';
import { TokenRevocation } from './revocation.js';
import { TokenEndpoint } from './token-endpoint.js';

/** The endpoints' URLs under the issuer, as the metadata (RFC 8414) advertises them. */
export function oauthEndpoints(issuer: string) {
  return {
    token: `${issuer}/oauth/token`,
    introspection: `${issuer}/oauth/introspect`,
    revocation: `${issuer}/oauth/revoke`,
  };
}

export interface OAuthServices {
  /** Client authentication for introspection and revocation, throttled like the token endpoint's. */
  identify(
    authorization: string | undefined,
    params: FormParams,
    endpoint: string,
    ip: string | null,
  ): Promise<CallingClient | null>;
  tokens: TokenEndpoint;
  introspection: Introspection;
  /** The claims of a valid access token this service issued, whatever its audience (else undefined). */
  readOwnToken: (token: string) => AccessTokenClaims | undefined;
  revocation: TokenRevocation;
  /** Stops the clients' remote JWKS sources. */
  close(): void;
}

export interface OAuthDeps {
  config: Config;
  store: Store;
  keys: KeyManager;
  revocations: RevocationService;
  sessions: SessionService;
  clients: ClientRegistry;
  /** What users and clients hold at each API (the registry). */
  grants: GrantSource;
  audit: AuditLog;
  limiter: LimiterBackend;
  refreshLimit: RequestLimit;
  /** Overrides of the configured login limits, which client authentication shares (tests). */
  throttleOverrides?: Partial<ThrottlePolicy> | undefined;
  now: () => number;
}

export function createOAuthServices(deps: OAuthDeps): OAuthServices {
  const { config, store, audit, now } = deps;
  const endpoints = oauthEndpoints(config.issuer);
  const clientKeys = new ClientKeys({ cooldownMs: config.jwksCooldownSeconds * 1000 });
  const replay = new AssertionReplayGuard(deps.limiter, MAX_ASSERTION_SECONDS + 2 * config.clockSkewSeconds);
  const assertions = new AssertionVerifier(clientKeys, replay, {
    issuer: config.issuer,
    tokenEndpoint: endpoints.token,
    clockSkewSeconds: config.clockSkewSeconds,
    now,
  });
  const authenticator = new ClientAuthenticator(deps.clients, assertions);
  const throttle = new ClientThrottle(
    deps.limiter,
    clientThrottlePolicy(config, deps.throttleOverrides),
    async ({ clientId, ip, retryAfter }) => {
      await audit.record('oauth.throttled', { targetId: clientId ?? null, ip, details: { retry_after: retryAfter } });
    },
  );
  const readOwnToken = createOwnTokenReader(config, deps.keys.source, deps.revocations.set, now);
  const identify: OAuthServices['identify'] = async (authorization, params, endpoint, ip) => {
    const claimed = claimedClientId(authorization, params);
    await throttle.check(claimed, ip);
    try {
      return await authenticator.authenticate(authorization, params, endpoint);
    } catch (error) {
      if ((error as { code?: unknown }).code === OAUTH_ERROR.invalid_client) {
        await throttle.failed(claimed, ip);
        await audit.record('oauth.client_auth_failed', {
          targetId: claimed ?? null,
          ip,
          details: { endpoint: new URL(endpoint).pathname, reason: (error as Error).message.slice(0, 200) },
        });
      }
      throw error;
    }
  };
  return {
    identify,
    tokens: new TokenEndpoint({
      authenticator,
      throttle,
      refreshLimit: deps.refreshLimit,
      sessions: deps.sessions,
      grants: deps.grants,
      keys: deps.keys,
      audit,
      now,
      settings: {
        issuer: config.issuer,
        accessTokenTtlSeconds: config.accessTokenTtlSeconds,
        tokenEncryption: config.tokenEncryption,
        tokenEndpoint: endpoints.token,
      },
    }),
    readOwnToken,
    introspection: new Introspection({ store, readOwnToken, grants: deps.grants, issuer: config.issuer, now }),
    revocation: new TokenRevocation({
      store,
      sessions: deps.sessions,
      revocations: deps.revocations,
      readOwnToken,
      audit,
    }),
    close: () => clientKeys.close(),
  };
}

/** Client authentication is held to the login limits: failures per client + IP per window, and per IP per day. */
function clientThrottlePolicy(config: Config, overrides: Partial<ThrottlePolicy> = {}): ClientThrottlePolicy {
  const policy = { ...policyFromLimits(config.limits), ...overrides };
  return {
    failuresPerClientIp: policy.failuresPerUserIp,
    failureWindowSeconds: policy.failureWindowSeconds,
    failuresPerIpPerDay: policy.failuresPerIpPerDay,
  };
}
