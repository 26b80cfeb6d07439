import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { AuthServices } from '../../src/auth/services.js';
import type { ThrottleOptions } from '../../src/auth/throttle/index.js';
import { assembleProcess } from '../../src/compose/processes.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { buildApp } from '../../src/http/app.js';
import { createLogger } from '../../src/http/logger.js';
import type { Metrics } from '../../src/metrics/index.js';
import { payrollMigrations, type PayrollOptions, type PayrollServices } from '../../src/payroll/index.js';
import { openStore, type OpenStoreOptions, type SqlStore } from '../../src/store/index.js';
import type { Role } from '../../src/store/types.js';

export const ISSUER = 'http://bulwark.test';

/** A clock tests move by hand: every time claim and expiry is decided by it. */
export class TestClock {
  constructor(public ms = Date.UTC(2026, 10, 23, 9, 0, 0)) {}
  now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface Harness {
  app: FastifyInstance;
  services: AuthServices;
  /** The payroll API's services (its routes are mounted on `app`). */
  payroll: PayrollServices;
  store: SqlStore;
  config: Config;
  clock: TestClock;
  /** Every log line the app wrote, raw. */
  logs: string[];
  dataDir: string;
  /** Creates a user straight through the service (argon2 hashing included). */
  addUser(
    username: string,
    role: Role,
    password?: string,
    employeeId?: string | null,
  ): Promise<{ id: string; username: string; password: string }>;
  /** Logs in over HTTP and returns the parsed 201 body. */
  login(username: string, password: string): Promise<LoginBody>;
  /** Closes the app and the store and opens both again on the same data dir (and clock). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  payroll?: PayrollOptions;
  /** Rate limits; default GENEROUS_THROTTLE so suites that are not about throttling never meet one. */
  throttle?: ThrottleOptions;
  /** Metrics the app reports into (as a served process would with BULWARK_METRICS_PORT). */
  metrics?: Metrics;
  /** SQLite: how the WAL is flushed (a test stalls or fails the disk); default fdatasync. */
  walFlush?: OpenStoreOptions['walFlush'];
}

/** Limits no ordinary suite reaches (every inject comes from the same IP, within milliseconds). */
export const GENEROUS_THROTTLE: ThrottleOptions = {
  policy: {
    failuresPerUserIp: 1_000,
    failuresPerIpPerDay: 100_000,
    attemptsPerIpPerSecond: 100_000,
    refreshPerIpPerMinute: 100_000,
    writesPerUserPerMinute: 100_000,
  },
};

export interface LoginBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  session_id: string;
  /** The access token's permissions at its API (contract §15.5). */
  scope: string;
}

export async function createHarness(env: Record<string, string> = {}, options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-test-'));
  const config = loadConfig({
    BULWARK_DATA_DIR: dataDir,
    BULWARK_ISSUER: ISSUER,
    BULWARK_DEMO: '0',
    BULWARK_LOG_LEVEL: 'info',
    ...env,
  });
  const clock = new TestClock();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const open = async () => {
    const store = await openStore({
      databaseUrl: config.databaseUrl,
      dataDir,
      migrations: payrollMigrations,
      deadlines: config.databaseDeadlines,
      walFlush: options.walFlush,
    });
    const logger = createLogger('info', sink);
    // The composition root's own assembly, on the test clock: the app under test is the product's.
    const assembly = await assembleProcess(config, store, logger, {
      now: clock.now,
      throttle: options.throttle ?? GENEROUS_THROTTLE,
      payroll: options.payroll,
      metrics: options.metrics,
    });
    const app = await buildApp(assembly.parts, { logger, modules: assembly.modules, metrics: options.metrics });
    app.addHook('onClose', () => assembly.close());
    await app.ready();
    return { store, services: assembly.auth as AuthServices, payroll: assembly.payroll as PayrollServices, app };
  };
  const harness: Harness = {
    ...(await open()),
    config,
    clock,
    logs,
    dataDir,
    async addUser(username, role, password = `${username}-Correct-Horse-42`, employeeId = null) {
      const user = await harness.services.users.create({ username, password, role, employeeId }, null);
      return { id: user.id, username, password };
    },
    async login(username, password) {
      const response = await harness.app.inject({
        method: 'POST',
        url: '/api/users-sessions',
        payload: { username, password },
      });
      if (response.statusCode !== 201)
        throw new Error(`login of ${username} answered ${response.statusCode}: ${response.body}`);
      return response.json<LoginBody>();
    },
    async restart() {
      await harness.app.close();
      await harness.store.close();
      Object.assign(harness, await open());
    },
    async close() {
      await harness.app.close();
      await harness.store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** Asserts the CONTRACT §4 problem shape and returns the body. */
export function problemOf(response: LightMyRequestResponse): {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
} {
  const type = String(response.headers['content-type'] ?? '');
  if (!type.startsWith('application/problem+json'))
    throw new Error(`expected problem+json, got ${type}: ${response.body}`);
  const body = response.json<{ type: string; title: string; status: number; code: string; detail?: string }>();
  if (body.status !== response.statusCode)
    throw new Error(`problem status ${body.status} != HTTP ${response.statusCode}`);
  return body;
}

export function decodeJwt(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h ?? '', 'base64url').toString('utf8')) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}
