import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AuthServices } from '../auth/services.js';
import { DEMO_CREDENTIALS_FILE, seedDemoUsers } from '../auth/users/demo-seed.js';
import type { Config } from '../config/index.js';
import { ConfigError } from '../config/index.js';
import { buildApp } from '../http/app.js';
import { Metrics, startMetricsListener, type MetricsListener } from '../metrics/index.js';
import { createPayrollServices, payrollMigrations, seedDemoPayroll, type PayrollServices } from '../payroll/index.js';
import { openStore } from '../store/index.js';
import { assembleProcess, type Assembly, type AssemblyOptions } from './processes.js';

export interface RunningServer {
  app: FastifyInstance;
  /** The token service, unless this process serves only payroll. */
  services: AuthServices | undefined;
  payroll: PayrollServices | undefined;
  /** The base URL it listens on (with the real port when PORT=0). */
  url: string;
  /** The Prometheus scrape URL when BULWARK_METRICS_PORT is set (real port when 0). */
  metricsUrl: string | undefined;
  close(): Promise<void>;
}

/**
 * Opens the store (one schema for every role, so processes can share a database), assembles
 * what `config.serveOnly` asks for, seeds the demo company on first start, and listens.
 */
export async function startServer(
  config: Config,
  logger: Logger,
  announce: (line: string) => void = () => {},
  options: AssemblyOptions = {},
): Promise<RunningServer> {
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    migrations: payrollMigrations,
    deadlines: config.databaseDeadlines,
  });
  const metrics = options.metrics ?? (config.metrics === undefined ? undefined : new Metrics({ processMetrics: true }));
  let assembly: Assembly | undefined;
  let app: FastifyInstance | undefined;
  let scrape: MetricsListener | undefined;
  const timers: NodeJS.Timeout[] = [];
  const stop = async () => {
    for (const timer of timers) clearInterval(timer);
    await scrape?.close();
    await app?.close();
    await assembly?.close();
    await store.close();
  };
  try {
    assembly = await assembleProcess(config, store, logger, { ...options, metrics });
    if (config.demoSeed && assembly.auth !== undefined) {
      // The schema is shared, so a token service that does not serve payroll still fills the
      // demo company for the payroll process beside it. The company first (one transaction),
      // then the credentials file, then the users.
      const payroll = assembly.payroll ?? createPayrollServices({ db: store.db, audit: assembly.auth.audit });
      const seeded = await seedDemoUsers(assembly.auth, { linkEmployees: () => seedDemoPayroll(payroll) });
      if (seeded !== undefined) {
        announce(
          'Demo users created (shown once; also in ' + join(config.dataDir, DEMO_CREDENTIALS_FILE) + ', mode 0600):',
        );
        for (const user of seeded) announce(`  ${user.username.padEnd(6)} ${user.role.padEnd(9)} ${user.password}`);
      }
    }
    const https =
      config.tlsCertFile !== undefined && config.tlsKeyFile !== undefined
        ? { cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile) }
        : undefined;
    app = await buildApp(assembly.parts, { logger, https, modules: assembly.modules, metrics });
    const url = await app.listen({ port: config.port, host: config.host }).catch((error: unknown) => {
      throw listenError(error, config);
    });
    if (config.metrics !== undefined && metrics !== undefined) {
      const where = config.metrics;
      scrape = await startMetricsListener(metrics, where).catch((error: unknown) => {
        throw listenError(error, where, { port: 'BULWARK_METRICS_PORT', host: 'BULWARK_METRICS_HOST' });
      });
    }
    for (const task of assembly.upkeep) {
      const timer = setInterval(() => {
        task.run().catch((error: unknown) => logger.warn({ err: error }, `${task.what} failed`));
      }, task.everyMs);
      timer.unref();
      timers.push(timer);
    }
    return { app, services: assembly.auth, payroll: assembly.payroll, url, metricsUrl: scrape?.url, close: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A listen failure as one line naming the variable to change (never a raw EADDRINUSE). */
function listenError(
  error: unknown,
  config: Pick<Config, 'port' | 'host'>,
  names = { port: 'PORT', host: 'HOST' },
): Error {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE')
    return new ConfigError(
      names.port,
      `${config.port} is already in use on ${config.host}: stop the other process or set ${names.port} to a free port`,
    );
  if (code === 'EACCES')
    return new ConfigError(names.port, `${config.port} needs privileges this process lacks: use a port above 1023`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAFNOSUPPORT') {
    return new ConfigError(
      names.host,
      `cannot listen on "${config.host}" (${code}): use an address of this machine, such as 127.0.0.1 or 0.0.0.0`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
