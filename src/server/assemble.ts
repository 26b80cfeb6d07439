import type { Logger } from 'pino';
import { AuditLog } from '../auth/audit.js';
import { RevocationService } from '../auth/revocations.js';
import { createAuthServices, type AuthServices } from '../auth/services.js';
import type { Config } from '../config/index.js';
import { ServiceUnavailableError } from '../errors/index.js';
import { createRemoteJwksSource, createVerifier } from '../guard/index.js';
import type { AppParts, HttpModule } from '../http/app.js';
import { databaseReady } from '../http/health.js';
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
const KEY_RELOAD_INTERVAL_MS = 30_000;

/** The token service, with the payroll API beside it unless `serveOnly` is `auth`. */
export async function assembleTokenService(config: Config, store: SqlStore): Promise<Assembly> {
  const auth = await createAuthServices(config, store);
  const payroll = config.serveOnly === 'auth' ? undefined : createPayrollServices({ db: store.db, audit: auth.audit });
  const upkeep: Assembly['upkeep'] = [
    { what: 'revocation sync', everyMs: SYNC_INTERVAL_MS, run: () => auth.revocations.sync() },
    { what: 'key reload', everyMs: KEY_RELOAD_INTERVAL_MS, run: async () => {
      await auth.keys.reload();
      await auth.revocations.prune();
    } },
  ];
  if (payroll) upkeep.push({ what: 'idempotency key purge', everyMs: KEY_RELOAD_INTERVAL_MS, run: () => payroll.idempotency.purgeExpired() });
  return {
    parts: { config, verifier: auth.verifier, checkReady: databaseReady(store), auth },
    modules: payroll ? [payrollModule(payroll)] : [],
    auth,
    payroll,
    upkeep,
    close: async () => {},
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
    throw new Error(`cannot fetch the token service's keys from ${config.jwksUrl}: ${(error as Error).message}`, { cause: error });
  }
  const verifier = createVerifier({
    issuer: config.issuer,
    audience: config.audience,
    algorithms: ['ES256', 'EdDSA', 'RS256', 'PS256'],
    keys,
    revocations: revocations.set,
    clockSkewSeconds: config.clockSkewSeconds,
    cache: { max: 10_000 },
  });
  const payroll = createPayrollServices({ db: store.db, audit: new AuditLog(store.audit) });
  const dbReady = databaseReady(store);
  const checkReady = async () => {
    const state = await dbReady();
    if (keys.kids().length === 0) throw new ServiceUnavailableError('no verification keys', { detail: 'No signing keys from the token service yet.' });
    return { ...state, jwks: 'ok' };
  };
  return {
    parts: { config, verifier, checkReady },
    modules: [payrollModule(payroll)],
    auth: undefined,
    payroll,
    upkeep: [
      { what: 'revocation sync', everyMs: SYNC_INTERVAL_MS, run: () => revocations.sync() },
      { what: 'revocation prune', everyMs: KEY_RELOAD_INTERVAL_MS, run: () => revocations.prune() },
      { what: 'idempotency key purge', everyMs: KEY_RELOAD_INTERVAL_MS, run: () => payroll.idempotency.purgeExpired() },
    ],
    close: async () => keys.close(),
  };
}
