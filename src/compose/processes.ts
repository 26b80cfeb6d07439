import type { Logger } from 'pino';
import { createRemoteJwksSource } from '@bulwark/guard';
import { PUBLIC_KEY_ALGS } from '@bulwark/guard/jose';
import { createAccessTokenVerifier } from '../auth/tokens/access-token-verifier.js';
import { AuditLog } from '../auth/audit/audit-log.js';
import { LimiterDpopReplayCache } from '../auth/dpop/replay-cache.js';
import { authModule } from '../auth/module.js';
import { localRevocationFeed, type RevocationFeed } from '../auth/revocation/revocation-feed.js';
import { createRedisRevocationFeed, redisEndpoint } from '../auth/revocation/revocation-feed-redis.js';
import { RevocationService } from '../auth/revocation/revocation-service.js';
import { ensureApi } from '../auth/registry/ensure-api.js';
import { createAuthServices, type AuthServices } from '../auth/services.js';
import { createSetFeed } from '../auth/ssf/feed.js';
import type { ThrottleOptions } from '../auth/throttle/index.js';
import type { Config } from '../config/index.js';
import { consoleModule } from '../console/module.js';
import { CONSOLE_DIST_DIR } from '../console/paths.js';
import { ServiceUnavailableError } from '../errors/index.js';
import type { AppParts, HttpModule } from '../http/app.js';
import { databaseReady, withRedisReadiness } from '../http/health.js';
import { defaultBackend } from '../http/rate-limit.js';
import { perUserWriteLimit } from '../http/rate-limit-hook.js';
import type { Metrics } from '../metrics/index.js';
import {
  createPayrollServices,
  employeeDirectory,
  PAYROLL_API_NEEDS,
  payrollModule,
  type PayrollOptions,
  type PayrollServices,
} from '../payroll/index.js';
import type { SqlStore } from '../store/index.js';
import { startMailWorker } from './mail.js';
import { redisArrivals, watchProcess } from './metrics.js';
import {
  HOUSEKEEPING_INTERVAL_MS,
  keyLifecycleTask,
  removedKeysTask,
  revocationPruneTask,
  endedSessionPurgeTask,
  revocationSyncTask,
  securityEventPurgeTask,
  type UpkeepTask,
} from './upkeep.js';

/** Spent and expired links are kept a week, so a late click still hears link_expired / link_used. */
const LINK_KEEP_MS = 7 * 86_400_000;

/** What one process serves, and the periodic work that keeps it current. */
export interface Assembly {
  parts: AppParts;
  modules: HttpModule[];
  auth: AuthServices | undefined;
  payroll: PayrollServices | undefined;
  upkeep: UpkeepTask[];
  close(): Promise<void>;
}

export interface AssemblyOptions {
  /** The clock of every time claim and expiry (tests move it by hand). */
  now?: () => number;
  throttle?: ThrottleOptions;
  payroll?: PayrollOptions;
  /** Where the built console is (default: packages/console/dist); false: no console. */
  console?: string | false;
  /** The process's metrics: verifications, logins, refreshes, feeds, JWKS fetches and gauges are reported here. */
  metrics?: Metrics | undefined;
}

/** The process `config.serveOnly` asks for: token service + payroll (all), token service only, or payroll only. */
export function assembleProcess(
  config: Config,
  store: SqlStore,
  logger: Logger,
  options: AssemblyOptions = {},
): Promise<Assembly> {
  return config.serveOnly === 'payroll'
    ? assemblePayrollOnly(config, store, logger, options)
    : assembleTokenService(config, store, logger, options);
}

/** The Redis revocation feed when BULWARK_REDIS_URL is set, attached to `revocations`. */
function attachFeed(
  config: Config,
  revocations: RevocationService,
  logger: Logger,
  metrics: Metrics | undefined,
): RevocationFeed {
  if (config.redisUrl === undefined) return localRevocationFeed;
  const feed = createRedisRevocationFeed({ url: config.redisUrl, logger });
  revocations.attachFeed(feed, redisArrivals(metrics));
  logger.info({ redis: redisEndpoint(config.redisUrl) }, 'revocation feed: Redis pub/sub');
  return feed;
}

/** The payroll module's settings from the configuration: payroll reads no configuration itself. */
function payrollOptions(config: Config, options: AssemblyOptions): PayrollOptions {
  return {
    ...options.payroll,
    stepUp: config.stepUp.payrollWrites ? { maxAgeSeconds: config.stepUp.maxAgeSeconds } : undefined,
  };
}

function idempotencyPurgeTask(payroll: PayrollServices): UpkeepTask {
  return {
    what: 'idempotency key purge',
    everyMs: HOUSEKEEPING_INTERVAL_MS,
    run: () => payroll.idempotency.purgeExpired(),
  };
}

/** The token service, with the payroll API beside it unless `serveOnly` is `auth`. */
async function assembleTokenService(
  config: Config,
  store: SqlStore,
  logger: Logger,
  options: AssemblyOptions,
): Promise<Assembly> {
  const { metrics } = options;
  // The schema is shared, so even a token service without the payroll API checks employee links.
  const auth = await createAuthServices(config, store, {
    now: options.now,
    throttle: options.throttle,
    events: metrics,
    employees: employeeDirectory(store.db),
  });
  const feed = attachFeed(config, auth.revocations, logger, metrics);
  // Revocations for third-party services (SET feed, RFC 8936); none with HS256 signing.
  const setFeed = createSetFeed(auth, {
    now: options.now,
    logger,
    onDelivered: metrics && ((ageMs) => metrics.revocationDelivered('set_poll', ageMs)),
  });
  if (metrics !== undefined)
    watchProcess(metrics, { store, feed, revocations: auth.revocations, checksPasswords: true });
  const payroll =
    config.serveOnly === 'auth'
      ? undefined
      : createPayrollServices({ db: store.db, audit: auth.audit, now: options.now }, payrollOptions(config, options));
  // Payroll's API (the default audience) holds the permissions payroll checks and carries the
  // employee link it scopes reads by, as a team's API would.
  if (payroll !== undefined) await ensureApi(auth.registry, config.audience, PAYROLL_API_NEEDS);
  const mailWorker = startMailWorker(auth, config, logger, options.now);
  const upkeep = [
    revocationSyncTask(auth.revocations),
    keyLifecycleTask(auth.keys, config.keyRotationIntervalSeconds, logger),
    revocationPruneTask(auth.revocations),
    endedSessionPurgeTask(store.sessions, options.now ?? Date.now),
    {
      what: 'login challenge purge',
      everyMs: HOUSEKEEPING_INTERVAL_MS,
      run: () => auth.loginChallenges.purgeExpired(),
    },
    {
      what: 'passkey challenge purge',
      everyMs: HOUSEKEEPING_INTERVAL_MS,
      run: () => auth.passkeys.challenges.purgeExpired(),
    },
    {
      what: 'account link purge',
      everyMs: HOUSEKEEPING_INTERVAL_MS,
      run: () => store.accounts.purgeLinks((options.now ?? Date.now)() - LINK_KEEP_MS),
    },
    ...(setFeed === undefined ? [] : [securityEventPurgeTask(setFeed)]),
    ...(payroll === undefined ? [] : [idempotencyPurgeTask(payroll)]),
  ];
  return {
    parts: {
      config,
      verifier: metrics?.countVerifications(auth.verifier) ?? auth.verifier,
      checkReady: withRedisReadiness(databaseReady(store), feed),
      writeLimit: auth.throttles.write,
    },
    // The console signs in and pays: it is served where both halves of the API are.
    modules: [
      authModule(auth),
      ...(setFeed === undefined ? [] : [setFeed.module]),
      ...(payroll === undefined ? [] : [payrollModule(payroll)]),
      ...(payroll === undefined || options.console === false
        ? []
        : [consoleModule({ distDir: options.console ?? CONSOLE_DIST_DIR })]),
    ],
    auth,
    payroll,
    upkeep,
    close: async () => {
      setFeed?.close();
      await auth.selfService.passwordResets.settled();
      await mailWorker?.stop();
      await feed.close();
    },
  };
}

/**
 * The payroll API alone: it trusts tokens by the token service's JWKS (fetched, cached and
 * refetched on unknown kids) and reads revocations from the shared store, exactly as a third
 * party's service would.
 */
async function assemblePayrollOnly(
  config: Config,
  store: SqlStore,
  logger: Logger,
  options: AssemblyOptions,
): Promise<Assembly> {
  const { metrics } = options;
  const revocations = RevocationService.forConfig(store.revocations, config, options.now);
  await revocations.sync();
  const feed = attachFeed(config, revocations, logger, metrics);
  const keys = createRemoteJwksSource({
    url: config.jwksUrl as string,
    algorithms: [...PUBLIC_KEY_ALGS],
    cooldownMs: config.jwksCooldownSeconds * 1000,
    onError: (error: unknown) => {
      metrics?.jwksFetch('error');
      logger.warn({ err: error }, 'JWKS fetch failed; serving the last good keys');
    },
    onFetched: () => metrics?.jwksFetch('ok'),
  });
  try {
    await keys.ready();
  } catch (error) {
    keys.close();
    await feed.close();
    throw new Error(`cannot fetch the token service's keys from ${config.jwksUrl}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  // Rate limits and DPoP proof ids on the same backend as the token service's (Redis when set),
  // so a proof replayed against this process after the token service saw it is refused.
  const limits = defaultBackend(config.redisUrl);
  const verified = createAccessTokenVerifier(config, {
    keys,
    revocations: revocations.set,
    algorithms: PUBLIC_KEY_ALGS,
    now: options.now,
    dpopReplayCache: new LimiterDpopReplayCache(limits, { max: config.dpopReplayCacheMax, now: options.now }),
  });
  const verifier = metrics?.countVerifications(verified) ?? verified;
  if (metrics !== undefined) watchProcess(metrics, { store, feed, revocations, checksPasswords: false });
  const payroll = createPayrollServices(
    { db: store.db, audit: new AuditLog(store.audit, options.now), now: options.now },
    payrollOptions(config, options),
  );
  const dbReady = withRedisReadiness(databaseReady(store), feed);
  const checkReady = async () => {
    const state = await dbReady();
    if (keys.kids().length === 0)
      throw new ServiceUnavailableError('no verification keys', {
        detail: 'No signing keys from the token service yet.',
      });
    return { ...state, jwks: 'ok' };
  };
  return {
    parts: {
      config,
      verifier,
      checkReady,
      writeLimit: perUserWriteLimit(limits, config.limits.writesPerUserPerMinute),
    },
    modules: [payrollModule(payroll)],
    auth: undefined,
    payroll,
    upkeep: [
      revocationSyncTask(revocations),
      removedKeysTask(store, keys),
      revocationPruneTask(revocations),
      idempotencyPurgeTask(payroll),
    ],
    close: async () => {
      keys.close();
      await Promise.all([feed.close(), limits.close()]);
    },
  };
}
