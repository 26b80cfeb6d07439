import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createAuthServices, type AuthServices } from './auth/services.js';
import { DEMO_CREDENTIALS_FILE, seedDemoUsers } from './auth/seed.js';
import type { Config } from './config/index.js';
import { buildApp } from './http/app.js';
import { createPayrollServices, payrollMigrations, payrollModule, seedDemoPayroll, type PayrollServices } from './payroll/index.js';
import { openStore } from './store/index.js';

export interface RunningServer {
  app: FastifyInstance;
  services: AuthServices;
  payroll: PayrollServices;
  /** The base URL it listens on (with the real port when PORT=0). */
  url: string;
  close(): Promise<void>;
}

/** Background upkeep: revocations written by other processes, key retirement, pruning. */
const SYNC_INTERVAL_MS = 2_000;
const KEY_RELOAD_INTERVAL_MS = 30_000;

export async function startServer(config: Config, logger: Logger, announce: (line: string) => void = () => {}): Promise<RunningServer> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrations: payrollMigrations });
  let app: FastifyInstance | undefined;
  const timers: NodeJS.Timeout[] = [];
  try {
    const services = await createAuthServices(config, store);
    const payroll = createPayrollServices({ db: store.db, audit: services.audit });
    if (config.demoSeed) {
      // The demo company first (one transaction), then the credentials file, then the users.
      const seeded = await seedDemoUsers(services, { linkEmployees: () => seedDemoPayroll(payroll) });
      if (seeded !== undefined) {
        announce('Demo users created (shown once; also in ' + join(config.dataDir, DEMO_CREDENTIALS_FILE) + ', mode 0600):');
        for (const user of seeded) announce(`  ${user.username.padEnd(6)} ${user.role.padEnd(9)} ${user.password}`);
      }
    }
    const https = config.tlsCertFile !== undefined && config.tlsKeyFile !== undefined
      ? { cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile) }
      : undefined;
    app = await buildApp(services, { logger, https, modules: [payrollModule(payroll)] });
    const address = await app.listen({ port: config.port, host: config.host });
    const upkeep = (what: string, task: () => Promise<unknown>) => () => {
      task().catch((error: unknown) => logger.warn({ err: error }, `${what} failed`));
    };
    timers.push(setInterval(upkeep('revocation sync', () => services.revocations.sync()), SYNC_INTERVAL_MS));
    timers.push(setInterval(upkeep('key reload', async () => {
      await services.keys.reload();
      await services.revocations.prune();
    }), KEY_RELOAD_INTERVAL_MS));
    timers.push(setInterval(upkeep('idempotency key purge', () => payroll.idempotency.purgeExpired()), KEY_RELOAD_INTERVAL_MS));
    for (const timer of timers) timer.unref();
    const running = app;
    return {
      app: running,
      services,
      payroll,
      url: address,
      async close() {
        for (const timer of timers) clearInterval(timer);
        await running.close();
        await store.close();
      },
    };
  } catch (error) {
    for (const timer of timers) clearInterval(timer);
    await app?.close();
    await store.close();
    throw error;
  }
}
