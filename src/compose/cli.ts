import { AccountAdmin } from '../auth/account-admin/account-admin.js';
import { AuditLog } from '../auth/audit/audit-log.js';
import { ClientRegistry } from '../auth/clients/registry.js';
import { KeyManager } from '../auth/keys/key-manager.js';
import { resolveMasterKey } from '../auth/keys/master-key.js';
import { MfaService } from '../auth/mfa/mfa-service.js';
import { createRedisRevocationPublisher, type FeedLogger } from '../auth/revocation/revocation-feed-redis.js';
import { RevocationService } from '../auth/revocation/revocation-service.js';
import { SessionService } from '../auth/sessions/session-service.js';
import { createThrottles } from '../auth/throttle/index.js';
import { UserService } from '../auth/users/user-service.js';
import { RegistryCache } from '../auth/registry/registry-cache.js';
import { RegistryService } from '../auth/registry/registry-service.js';
import { createSelfService, type SelfService } from '../auth/self-service/index.js';
import { memoryBackend } from '../http/rate-limit.js';
import { loadConfig, type Config } from '../config/index.js';
import { employeeDirectory, payrollMigrations } from '../payroll/index.js';
import { openStore, type SqlStore } from '../store/index.js';

/**
 * What each CLI command is given: only what it needs, opened for the command and closed after.
 * `read` opens the store without creating or migrating anything (listings write nothing);
 * nothing here but the key commands touches signing keys, and nothing signs a token.
 */
export interface CliStore {
  config: Config;
  store: SqlStore;
}

export interface UserAdmin extends CliStore {
  users: UserService;
  sessions: SessionService;
  revocations: RevocationService;
  audit: AuditLog;
}

export interface ClientAdmin extends CliStore {
  clients: ClientRegistry;
}

export interface RegistryAdmin extends UserAdmin {
  registry: RegistryService;
}

export interface KeyAdmin extends CliStore {
  keys: KeyManager;
  audit: AuditLog;
}

export interface LocalVerification extends CliStore {
  keys: KeyManager;
  revocations: RevocationService;
}

/** Warnings of the CLI's Redis publisher, on stderr (never the URL: it may carry a password). */
const stderrLogger: FeedLogger = {
  info: () => {},
  warn: (fields, msg) => {
    const detail = Object.entries(fields)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    // eslint-disable-next-line no-console
    console.error(`warning: ${msg} (${detail})`);
  },
};

/** User commands never sign: a SessionService here can revoke sessions, not issue tokens. */
const NO_SIGNING = {
  currentSigningKey(): never {
    throw new Error('this command does not issue tokens');
  },
};

export async function withStore<T>(access: 'read' | 'write', run: (context: CliStore) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    migrations: payrollMigrations,
    migrate: access === 'write',
    deadlines: config.databaseDeadlines,
  });
  try {
    return await run({ config, store });
  } finally {
    await store.close();
  }
}

/**
 * Users, sessions and revocations. With BULWARK_REDIS_URL the revocations a command makes
 * (revoke, users disable, role changes) are also published, so running instances reject the
 * tokens within milliseconds, not at their next store sync.
 */
export function withUserAdmin<T>(run: (context: UserAdmin) => Promise<T>): Promise<T> {
  return withStore('write', async ({ config, store }) => {
    const revocations = RevocationService.forConfig(store.revocations, config);
    // Third-party services learn of the command's revocations from the SET feed (the log).
    revocations.attachEventLog(store.securityEvents);
    const feed =
      config.redisUrl === undefined
        ? undefined
        : createRedisRevocationPublisher({ url: config.redisUrl, logger: stderrLogger });
    if (feed !== undefined) revocations.attachFeed(feed);
    try {
      const audit = new AuditLog(store.audit);
      const sessions = new SessionService(store, NO_SIGNING, revocations, audit, config);
      const registry = registryService(config, store, sessions, revocations, audit);
      const users = new UserService(
        store,
        sessions,
        revocations,
        audit,
        Date.now,
        employeeDirectory(store.db),
        registry,
      );
      return await run({ config, store, users, sessions, revocations, audit });
    } finally {
      await feed?.close();
    }
  });
}

/**
 * OAuth 2 clients: listed (read) or created, disabled and given new secrets (write). Disabling and
 * rotating revoke the client's live tokens, published like withUserAdmin's revocations.
 */
export function withClientAdmin<T>(
  run: (context: ClientAdmin) => Promise<T>,
  access: 'read' | 'write' = 'write',
): Promise<T> {
  return withStore(access, async ({ config, store }) => {
    const revocations = RevocationService.forConfig(store.revocations, config);
    const feed =
      access === 'read' || config.redisUrl === undefined
        ? undefined
        : createRedisRevocationPublisher({ url: config.redisUrl, logger: stderrLogger });
    if (feed !== undefined) revocations.attachFeed(feed);
    try {
      const audit = new AuditLog(store.audit);
      // A client's grants are the registry's (client_grants); listing needs none of it.
      const sessions = new SessionService(store, NO_SIGNING, revocations, audit, config);
      const registry = access === 'read' ? undefined : registryService(config, store, sessions, revocations, audit);
      const clients = new ClientRegistry(store.clients, revocations, audit, config.audience, Date.now, registry);
      return await run({ config, store, clients });
    } finally {
      await feed?.close();
    }
  });
}

function registryService(
  config: Config,
  store: SqlStore,
  sessions: SessionService,
  revocations: RevocationService,
  audit: AuditLog,
): RegistryService {
  return new RegistryService(
    store,
    new RegistryCache(store.registry),
    (userId, reason) => sessions.revokeAllSessions(userId, reason),
    revocations,
    audit,
    { audience: config.audience, accessTokenTtlSeconds: config.accessTokenTtlSeconds },
  );
}

/**
 * APIs, roles and users' roles (`bulwark apis|roles …`, `users grant|ungrant`): withUserAdmin
 * plus the registry. A change that revokes users' tokens is published like withUserAdmin's.
 * Running instances see the change at their next registry check (within 2 s).
 */
export function withRegistryAdmin<T>(run: (context: RegistryAdmin) => Promise<T>): Promise<T> {
  return withUserAdmin(async (context) => {
    const registry = registryService(
      context.config,
      context.store,
      context.sessions,
      context.revocations,
      context.audit,
    );
    await registry.init();
    return run({ ...context, registry });
  });
}

/** The signing keys: listed (read) or rotated (write). The master key is read only to seal a new key. */
export function withKeyAdmin<T>(access: 'read' | 'write', run: (context: KeyAdmin) => Promise<T>): Promise<T> {
  return withStore(access, ({ config, store }) => {
    const keys = new KeyManager(store.keys, () => resolveMasterKey(config), config);
    return run({ config, store, keys, audit: new AuditLog(store.audit) });
  });
}

/** The store's verification keys and revocations, read only (`token verify`). */
export function withLocalVerification<T>(run: (context: LocalVerification) => Promise<T>): Promise<T> {
  return withStore('read', async ({ config, store }) => {
    const keys = new KeyManager(store.keys, () => resolveMasterKey(config), config);
    await keys.reload({ readOnly: true });
    const revocations = RevocationService.forConfig(store.revocations, config);
    await revocations.sync();
    return run({ config, store, keys, revocations });
  });
}

export interface AccountAdminContext extends UserAdmin {
  accounts: AccountAdmin;
  mfa: MfaService;
}

/**
 * withUserAdmin plus account administration (password and MFA resets, unlock). The login
 * counters an unlock lifts are shared only through Redis (BULWARK_REDIS_URL): without it a running
 * server's in-memory blocks run out on their own (at most 15 minutes), or POST /api/users/{id}/unlock.
 */
export function withAccountAdmin<T>(run: (context: AccountAdminContext) => Promise<T>): Promise<T> {
  return withUserAdmin(async (context) => {
    const throttles = createThrottles(context.config.limits, context.config.redisUrl, () => Promise.resolve());
    try {
      const accounts = new AccountAdmin(
        context.store,
        context.sessions,
        context.revocations,
        throttles,
        context.audit,
        Date.now,
      );
      const mfa = new MfaService(context.store, () => resolveMasterKey(context.config), context.audit, Date.now);
      return await run({ ...context, accounts, mfa });
    } finally {
      await throttles.close();
    }
  });
}

/**
 * withUserAdmin plus the self-service flows (invitations): the CLI only queues the mail in the
 * outbox; a running server's worker delivers it (SMTP, or the development outbox files).
 */
export function withSelfService<T>(run: (context: UserAdmin & { selfService: SelfService }) => Promise<T>): Promise<T> {
  return withUserAdmin(async (context) => {
    const limits = memoryBackend();
    try {
      const selfService = createSelfService({ ...context, limits, now: Date.now });
      return await run({ ...context, selfService });
    } finally {
      await limits.close();
    }
  });
}
