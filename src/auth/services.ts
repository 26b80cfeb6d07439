import type { Verifier } from '@bulwark/guard';
import type { Config } from '../config/index.js';
import { NO_AUTH_EVENTS, type AuthEventSink } from '../metrics/index.js';
import type { Store } from '../store/types.js';
import { createAccessTokenVerifier } from './tokens/access-token-verifier.js';
import { LimiterDpopReplayCache } from './dpop/replay-cache.js';
import { AccountAdmin } from './account-admin/account-admin.js';
import { AuditLog } from './audit/audit-log.js';
import { ClientRegistry } from './clients/registry.js';
import { KeyManager } from './keys/key-manager.js';
import { resolveMasterKey } from './keys/master-key.js';
import { createOAuthServices, type OAuthServices } from './oauth/services.js';
import { LoginChallenges } from './mfa/login-challenges.js';
import { LoginSteps } from './mfa/login-steps.js';
import { MfaService } from './mfa/mfa-service.js';
import { createPasskeyServices, type PasskeyServices } from './passkeys/services.js';
import { RevocationService } from './revocation/revocation-service.js';
import { createSelfService, type SelfService } from './self-service/index.js';
import { SessionService } from './sessions/session-service.js';
import { createThrottles, type DurableFailures, type ThrottleOptions, type Throttles } from './throttle/index.js';
import { normaliseUsername } from './users/usernames.js';
import type { EmployeeDirectory } from './users/employee-directory.js';
import { UserService } from './users/user-service.js';
import type { GrantSource } from './registry/grants.js';
import { RegistryGrantSource } from './registry/grant-source.js';
import { RegistryCache } from './registry/registry-cache.js';
import { RegistryService } from './registry/registry-service.js';
import type { PermissionDeps } from './registry/require-permission.js';

/** The token service's parts, wired once. The composition root builds them for each process. */
export interface AuthServices {
  config: Config;
  store: Store;
  keys: KeyManager;
  revocations: RevocationService;
  audit: AuditLog;
  sessions: SessionService;
  users: UserService;
  verifier: Verifier;
  /** Login, refresh and write limits (memory, or Redis when configured). */
  throttles: Throttles;
  /** OAuth 2 clients (machines) and the token, introspection and revocation endpoints' services. */
  clients: ClientRegistry;
  oauth: OAuthServices;
  /** TOTP enrolment and checking; the steps of a login after the password; account administration. */
  mfa: MfaService;
  loginSteps: LoginSteps;
  accounts: AccountAdmin;
  loginChallenges: LoginChallenges;
  /** Passkeys (WebAuthn): registration, sign-in, the user's own list. */
  passkeys: PasskeyServices;
  /** Forgot password, invitations, email addresses, sign-up, and the mail outbox (issue #20). */
  selfService: SelfService;
  /** APIs, permissions and roles as data (issue #18); what a user or client holds at an API. */
  registry: RegistryService;
  grants: GrantSource;
  /** What the admin routes' permission check reads (requirePermission). */
  permissions: PermissionDeps;
  /** The clock every expiry is decided by. */
  now: () => number;
  /** Where login and refresh outcomes are reported (the process's metrics, or nowhere). */
  events: AuthEventSink;
}

export interface AuthServiceOptions {
  now?: () => number;
  throttle?: ThrottleOptions;
  events?: AuthEventSink | undefined;
  /** Payroll's employee records, to check users' employee links (the composition root's). */
  employees?: EmployeeDirectory | undefined;
}

/**
 * The token service: keys checked against the configuration (init refuses a mismatch rather than
 * changing keys), revocations synced from the store, and the verifier of its own tokens.
 */
export async function createAuthServices(
  config: Config,
  store: Store,
  options: AuthServiceOptions = {},
): Promise<AuthServices> {
  const now = options.now ?? Date.now;
  const events = options.events ?? NO_AUTH_EVENTS;
  const keys = new KeyManager(store.keys, () => resolveMasterKey(config), config, now);
  await keys.init();
  const revocations = RevocationService.forConfig(store.revocations, config, now);
  revocations.attachEventLog(store.securityEvents);
  await revocations.sync();
  const audit = new AuditLog(store.audit, now);
  const registryCache = new RegistryCache(store.registry);
  const grants = new RegistryGrantSource(registryCache, store, config.audience);
  // The gate runs at login time, when loginSteps (below) exists.
  const sessions: SessionService = new SessionService(
    store,
    keys,
    revocations,
    audit,
    config,
    now,
    (user, meta): Promise<void> => loginSteps.afterPassword(user, meta),
    events,
    grants,
  );
  const registry = new RegistryService(
    store,
    registryCache,
    (userId, reason) => sessions.revokeAllSessions(userId, reason),
    revocations,
    audit,
    { audience: config.audience, accessTokenTtlSeconds: config.accessTokenTtlSeconds },
    now,
  );
  await registry.init();
  const permissions: PermissionDeps = { cache: registryCache, store, defaultApi: config.audience };
  const users = new UserService(store, sessions, revocations, audit, now, options.employees, registry);
  // Password failures outlive the counters in the store (login_failures), for existing accounts.
  const durable: DurableFailures = {
    read: async (username, ip) => {
      const user = await store.users.findByUsername(normaliseUsername(username));
      return user === undefined ? undefined : store.loginFailures.find(user.id, ip ?? 'unknown');
    },
    now,
  };
  // A throttled login is audited like a failed one: the user's id when the account exists, never the name.
  const throttles = createThrottles(
    config.limits,
    config.redisUrl,
    async ({ username, ip, scope, retryAfter }) => {
      const user = await store.users.findByUsername(normaliseUsername(username));
      await audit.record('login.throttled', {
        targetId: user?.id ?? null,
        ip,
        details: { scope, retry_after: retryAfter },
      });
    },
    { durable, ...options.throttle },
    async ({ username: userId, ip, scope, retryAfter }) => {
      await audit.record('login.mfa_throttled', { targetId: userId, ip, details: { scope, retry_after: retryAfter } });
    },
  );
  // DPoP proof ids live where the limits' counters do: memory, or Redis shared by every instance.
  const verifier = withCurrentKeys(
    createAccessTokenVerifier(config, {
      keys: keys.source,
      revocations: revocations.set,
      now,
      dpopReplayCache: new LimiterDpopReplayCache(throttles.backend, { max: config.dpopReplayCacheMax, now }),
    }),
    keys,
  );
  const mfa = new MfaService(store, () => resolveMasterKey(config), audit, now);
  const loginChallenges = new LoginChallenges(store.mfa, now);
  const loginSteps: LoginSteps = new LoginSteps(store, sessions, mfa, loginChallenges, throttles.mfa, audit, now);
  const accounts = new AccountAdmin(store, sessions, revocations, throttles, audit, now);
  const clients = new ClientRegistry(store.clients, revocations, audit, config.audience, now, registry);
  const oauth = createOAuthServices({
    config,
    store,
    keys,
    revocations,
    sessions,
    clients,
    grants,
    audit,
    limiter: throttles.backend,
    refreshLimit: throttles.refresh,
    throttleOverrides: options.throttle?.policy,
    now,
  });
  const passkeys = createPasskeyServices(config, store, { loginChallenges, loginSteps, throttles, audit, now });
  const selfService = createSelfService({
    config,
    store,
    users,
    sessions,
    revocations,
    audit,
    limits: throttles.backend,
    now,
  });
  return {
    config,
    store,
    keys,
    revocations,
    audit,
    sessions,
    users,
    verifier,
    throttles,
    mfa,
    loginSteps,
    accounts,
    loginChallenges,
    passkeys,
    selfService,
    clients,
    oauth,
    registry,
    grants,
    permissions,
    now,
    events,
  };
}

/**
 * Requests verify against the store's current keys: a removed key's grace that has ended drops
 * it at once (synchronously, the guard's usual path), and a change made by another process
 * (SQLite's change marker) is read before verifyAsync and started in the background before verify.
 */
function withCurrentKeys(
  verifier: Verifier,
  keys: Pick<KeyManager, 'refreshForVerification' | 'beforeVerify'>,
): Verifier {
  return {
    ...verifier,
    verify: (token) => {
      keys.beforeVerify();
      return verifier.verify(token);
    },
    verifyAsync: async (token) => {
      await keys.refreshForVerification();
      return verifier.verifyAsync(token);
    },
  };
}
