import type { Logger } from 'pino';
import { AuditLog } from '../auth/audit.js';
import { KEY_RELOAD_INTERVAL_MS } from '../auth/keys/key-manager.js';
import { ACCESS_TOKEN_REQUIRED_CLAIMS } from '../auth/tokens.js';
import { localRevocationFeed, type RevocationFeed } from '../auth/revocation-feed.js';
import { createRedisRevocationFeed, redisEndpoint } from '../auth/revocation-feed-redis.js';
import { RevocationService } from '../auth/revocations.js';
import { createAuthServices, type AuthServices } from '../auth/services.js';
import type { Config } from '../config/index.js';
import { ServiceUnavailableError } from '../errors/index.js';
import { createRemoteJwksSource, createVerifier, type RemoteJwksSource } from '@bulwark/guard';
import type { AppParts, HttpModule } from '../http/app.js';
import { databaseReady, withRedisReadiness } from '../http/health.js';
import { defaultBackend, RequestLimit } from '../http/rate-limit.js';
import { createPayrollServices, payrollModule, type PayrollServices } from '../payroll/index.js';
import type { SqlStore } from '../store/index.js';

/** What one process serves, and the periodic work that keeps it current. */
export interface Assembly {
  parts: AppParts;
  modules: HttpModule[];
  auth: AuthServices | undefined;
  payroll: PayrollServices | undefined;
  upkeep: Array<{ what: string; everyMs: number; run: () => Promise<unknown> }>;
  close(): Promise<void>;
}

const SYNC_INTERVAL_MS = 2_000;
const HOUSEKEEPING_INTERVAL_MS = 30_000;

/** The Redis revocation feed when BULWARK_REDIS_URL is set, attached to `revocations`. */
function attachFeed(config: Config, revocations: RevocationService, logger: Logger): RevocationFeed {
  if (config.redisUrl === undefined) return localRevocationFeed;
  const feed = createRedisRevocationFeed({ url: config.redisUrl, logger });
  revocations.attachFeed(feed);
  logger.info({ redis: redisEndpoint(config.redisUrl) }, 'revocation feed: Redis pub/sub');
  return feed;
}

/**
 * The store sync, every 2 s whatever the Redis feed's state: Redis makes a revocation reach the
 * other instances in milliseconds, the store sync guarantees it within 2 s when Redis is down or
 * one instance's (or the CLI's) publish failed. One indexed query per instance per interval.
 */
export function revocationSyncTask(revocations: Pick<RevocationService, 'sync'>): Assembly['upkeep'][number] {
  return { what: 'revocation sync', everyMs: SYNC_INTERVAL_MS, run: () => revocations.sync() };
}

/**
 * Every 5 s: scheduled rotation (a `next` key, created once across the cluster), promotion of a
 * `next` key published for the JWKS max-age, removal of expired retired keys, and a reload, so a
 * key change made by another instance or the CLI (above all `keys rotate --now --revoke-current`)
 * reaches this instance's signer and verifier (and flushes its verified-token cache) within 5 s.
 */
export function keyLifecycleTask(auth: Pick<AuthServices, 'keys' | 'config'>, logger: Logger): Assembly['upkeep'][number] {
  const blocker = auth.keys.rotationBlocker();
  if (auth.config.keyRotationIntervalSeconds > 0 && blocker !== undefined) {
    logger.info({ reason: blocker }, 'scheduled key rotation is off: %s', blocker);
  }
  return { what: 'key lifecycle', everyMs: KEY_RELOAD_INTERVAL_MS, run: async () => {
    const { created, promoted } = await auth.keys.upkeep();
    if (created !== undefined) logger.info({ kid: created.kid, signs_from: created.signsFrom }, 'scheduled key rotation: next key published');
    if (promoted !== undefined) logger.info({ kid: promoted.kid }, 'key promoted: next key now signs; the previous key is retired');
  } };
}

/**
 * A payroll-only process trusts keys by the token service's JWKS, which it re-reads only when the
 * document's max-age lapses (300 s by default). A key removed in an emergency (`keys rotate --now
 * --revoke-current`) must stop verifying sooner: the shared store says which keys are removed,
 * read with the revocation sync, and those kids are distrusted at once (cache flushed with them).
 */
export function removedKeysTask(store: Pick<SqlStore, 'keys'>, keys: Pick<RemoteJwksSource, 'distrust'>): Assembly['upkeep'][number] {
  return { what: 'removed-key sync', everyMs: SYNC_INTERVAL_MS, run: async () => {
    keys.distrust((await store.keys.list()).filter((key) => key.state === 'removed').map((key) => key.kid));
  } };
}

/** The token service, with the payroll API beside it unless `serveOnly` is `auth`. */
export async function assembleTokenService(config: Config, store: SqlStore, logger: Logger): Promise<Assembly> {
  const auth = await createAuthServices(config, store);
  const feed = attachFeed(config, auth.revocations, logger);
  const payroll = config.serveOnly === 'auth' ? undefined : createPayrollServices({ db: store.db, audit: auth.audit });
  const upkeep: Assembly['upkeep'] = [
    revocationSyncTask(auth.revocations),
    // Key reloads happen in the key-lifecycle task (every 5 s); only pruning is left here.
    keyLifecycleTask(auth, logger),
    { what: 'revocation prune', everyMs: HOUSEKEEPING_INTERVAL_MS, run: () => auth.revocations.prune() },
  ];
  if (payroll) upkeep.push({ what: 'idempotency key purge', everyMs: HOUSEKEEPING_INTERVAL_MS, run: () => payroll.idempotency.purgeExpired() });
  return {
    parts: { config, verifier: auth.verifier, checkReady: withRedisReadiness(databaseReady(store), feed), auth },
    modules: payroll ? [payrollModule(payroll)] : [],
    auth,
    payroll,
    upkeep,
    close: () => feed.close(),
  };
}

/**
 * The payroll API alone: it trusts tokens by the token service's JWKS (fetched, cached and
 * refetched on unknown kids) and reads revocations from the shared store, exactly as a third
 * party's service would.
 */
export async function assemblePayrollOnly(config: Config, store: SqlStore, logger: Logger): Promise<Assembly> {
  const skewMs = config.clockSkewSeconds * 1000;
  const revocations = new RevocationService(store.revocations, config.accessTokenTtlSeconds * 1000 + skewMs, skewMs);
  await revocations.sync();
  const feed = attachFeed(config, revocations, logger);
  const keys = createRemoteJwksSource({
    url: config.jwksUrl as string,
    algorithms: ['ES256', 'EdDSA', 'RS256', 'PS256'],
    cooldownMs: config.jwksCooldownSeconds * 1000,
    onError: (error: unknown) => logger.warn({ err: error }, 'JWKS fetch failed; serving the last good keys'),
  });
  try {
    await keys.ready();
  } catch (error) {
    keys.close();
    await feed.close();
    throw new Error(`cannot fetch the token service's keys from ${config.jwksUrl}: ${(error as Error).message}`, { cause: error });
  }
  const verifier = createVerifier({
    issuer: config.issuer,
    audience: config.audience,
    algorithms: ['ES256', 'EdDSA', 'RS256', 'PS256'],
    keys,
    revocations: revocations.set,
    clockSkewSeconds: config.clockSkewSeconds,
    requiredClaims: ACCESS_TOKEN_REQUIRED_CLAIMS,
    cache: { max: 10_000 },
  });
  const payroll = createPayrollServices({ db: store.db, audit: new AuditLog(store.audit) });
  // Same counter name as the token service's, so one user's writes count once across processes.
  const limits = defaultBackend(config.redisUrl);
  const writeLimit = new RequestLimit(limits.create({ name: 'write-user', points: config.limits.writesPerUserPerMinute, durationSeconds: 60 }));
  const dbReady = withRedisReadiness(databaseReady(store), feed);
  const checkReady = async () => {
    const state = await dbReady();
    if (keys.kids().length === 0) throw new ServiceUnavailableError('no verification keys', { detail: 'No signing keys from the token service yet.' });
    return { ...state, jwks: 'ok' };
  };
  return {
    parts: { config, verifier, checkReady },
    modules: [payrollModule(payroll, writeLimit)],
    auth: undefined,
    payroll,
    upkeep: [
      revocationSyncTask(revocations),
      removedKeysTask(store, keys),
      { what: 'revocation prune', everyMs: HOUSEKEEPING_INTERVAL_MS, run: () => revocations.prune() },
      { what: 'idempotency key purge', everyMs: HOUSEKEEPING_INTERVAL_MS, run: () => payroll.idempotency.purgeExpired() },
    ],
    close: async () => {
      keys.close();
      await Promise.all([feed.close(), limits.close()]);
    },
  };
}
