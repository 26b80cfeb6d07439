import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { cpuDuring, WARM_UP_SECONDS } from './cpu.js';
import { activeEmployees, paymentLoad } from './payment-load.js';
import { login, SERVER_CPU, startBulwark, type BulwarkProcess } from './processes.js';
import { refreshChain } from './refresh-chain.js';

const run = promisify(execFile);

/** One operation's cost on the server: answered operations, and its CPU time per operation. */
export interface PerCoreRow {
  operation: string;
  ops: number;
  /** Server CPU µs per answered (2xx) operation. */
  cpuMicros: number;
  /** 1e6 / cpuMicros: what one core does when nothing else runs on it. */
  perCore: number;
  /** Answered per wall second (moves with whatever else holds the core). */
  wallRate: number;
  errors: number;
  /** The database server's CPU µs per answered operation, when it is a process of its own (Postgres). */
  databaseCpuMicros?: number | undefined;
  /** Logins only: raw argon2id checks per core on the server's core, taken between the login windows. */
  ceilingPerCore?: number | undefined;
  /** Logins only: each raw argon2id window's rate, in the order taken. */
  ceilingWindows?: number[] | undefined;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** A confidential client with introspection, made through the admin API. */
async function addClient(bulwark: BulwarkProcess): Promise<{ id: string; secret: string; basic: string }> {
  const response = await fetch(`${bulwark.url}/api/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bulwark.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench job', scope: 'payroll:read', introspection: true }),
  });
  if (response.status !== 201) throw new Error(`client create answered ${response.status}: ${await response.text()}`);
  const { client_id: id, client_secret: secret } = (await response.json()) as {
    client_id: string;
    client_secret: string;
  };
  return { id, secret, basic: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` };
}

let onMeasure: ((pid: number) => void) | undefined;
/** Set from PerCoreOptions.databaseCpu for the run: the database server's CPU seconds so far. */
let databaseCpu: (() => number) | undefined;

/** The server's CPU during `work` (cpuDuring), and the database server's when it is counted. */
async function measured<T>(pid: number, work: () => Promise<T>) {
  const database0 = databaseCpu?.();
  const { result, cpu, wall } = await cpuDuring(pid, work);
  const database = database0 === undefined || databaseCpu === undefined ? undefined : databaseCpu() - database0;
  return { result, cpu, wall, database };
}

/**
 * Logins are a hundred times slower than the other operations, so they are warmed up by count,
 * not by time: V8 tiers a function up only after hundreds of calls since its inline caches last
 * changed (`--minimum-invocations-after-ic-update`, 500 in Node 20), and a login's path runs once
 * a login. At ~40 logins/s (this VM on a slow day) 10 s made ~400 calls: in the next 5 s V8's
 * compiler threads still spent 0.6-0.85 ms a login and 28 functions were optimised; after 60 s
 * (~2,400 calls), 0.1 ms, and the main thread 1.2-1.3 ms a login instead of 1.6-1.8 ms (logins
 * with a weakened argon2id, so that only the path's own code was measured). What a server that
 * has been up for a while spends is measured, not its start-up.
 */
const LOGIN_WARM_UP = { calls: 2_400, minSeconds: 10, maxSeconds: 90 } as const;

/** Logins until LOGIN_WARM_UP.calls are answered (at least minSeconds, at most maxSeconds). */
async function warmUpLogins(options: autocannon.Options): Promise<void> {
  const end = performance.now() + LOGIN_WARM_UP.maxSeconds * 1000;
  let calls = 0;
  let seconds = 0;
  while (seconds < LOGIN_WARM_UP.minSeconds || (calls < LOGIN_WARM_UP.calls && performance.now() < end)) {
    const result = await autocannon({ ...options, duration: 5 });
    calls += result.requests.total - result.non2xx;
    seconds += 5;
  }
}

async function cannon(pid: number, operation: string, options: autocannon.Options): Promise<PerCoreRow> {
  await autocannon({ ...options, duration: WARM_UP_SECONDS });
  onMeasure?.(pid);
  onMeasure = undefined;
  const { result, cpu, wall, database } = await measured(pid, () => autocannon(options));
  const ok = result.requests.total - result.non2xx;
  return row(operation, ok, cpu, wall, result.non2xx + result.errors, database);
}

/** Login windows, each between two windows of raw argon2id on the same (then idle) core. */
const LOGIN_WINDOWS = 3;

/**
 * Logins judged against their ceiling: after the warm-up, LOGIN_WINDOWS windows of logins, with
 * raw argon2id measured on the server's core before, between and after them, and the ceiling the
 * mean of those. This VM's speed moves by ±15 % within a minute, so a ceiling taken once, a minute
 * away from the logins, judged them against another machine.
 */
async function loginsBesideCeiling(pid: number, seconds: number, options: autocannon.Options): Promise<PerCoreRow> {
  await warmUpLogins(options);
  onMeasure?.(pid);
  onMeasure = undefined;
  const rawSeconds = Math.max(1, Math.round(seconds / 2));
  const ceilingWindows = [await argon2CpuPerCore(rawSeconds)];
  let ok = 0;
  let errors = 0;
  let cpu = 0;
  let wall = 0;
  let database: number | undefined;
  for (let window = 0; window < LOGIN_WINDOWS; window++) {
    const measuredWindow = await measured(pid, () => autocannon(options));
    ok += measuredWindow.result.requests.total - measuredWindow.result.non2xx;
    errors += measuredWindow.result.non2xx + measuredWindow.result.errors;
    cpu += measuredWindow.cpu;
    wall += measuredWindow.wall;
    if (measuredWindow.database !== undefined) database = (database ?? 0) + measuredWindow.database;
    ceilingWindows.push(await argon2CpuPerCore(rawSeconds));
  }
  const ceilingPerCore = ceilingWindows.reduce((a, b) => a + b, 0) / ceilingWindows.length;
  return { ...row('password login (argon2id)', ok, cpu, wall, errors, database), ceilingPerCore, ceilingWindows };
}

function row(
  operation: string,
  ops: number,
  cpu: number,
  wall: number,
  errors: number,
  database: number | undefined,
): PerCoreRow {
  const perOp = (seconds: number) => (ops === 0 ? Infinity : (seconds * 1e6) / ops);
  const cpuMicros = perOp(cpu);
  const databaseCpuMicros = database === undefined ? undefined : perOp(database);
  return { operation, ops, cpuMicros, perCore: 1e6 / cpuMicros, wallRate: ops / wall, errors, databaseCpuMicros };
}

/** Refresh rotations: each worker chains its own refresh tokens (a used one is refused). */
async function refreshes(bulwark: BulwarkProcess, seconds: number, workers: number): Promise<PerCoreRow> {
  const pairs = await Promise.all(
    Array.from({ length: workers }, () => login(bulwark.url, 'alice', bulwark.password('alice'))),
  );
  let errors = 0;
  const chain = async (first: string, end: number): Promise<number> => {
    const result = await refreshChain(bulwark.url, first, end);
    if (result.refused !== undefined) errors++;
    return result.done;
  };
  const tokens = pairs.map((p) => p.refresh_token);
  const warm = performance.now() + WARM_UP_SECONDS * 1000;
  const next = await Promise.all(
    tokens.map(async (t) => {
      await chain(t, warm);
      return (await login(bulwark.url, 'alice', bulwark.password('alice'))).refresh_token;
    }),
  );
  onMeasure?.(bulwark.child.pid as number);
  onMeasure = undefined;
  const { result, cpu, wall, database } = await measured(bulwark.child.pid as number, async () => {
    const end = performance.now() + seconds * 1000;
    const counts = await Promise.all(next.map((t) => chain(t, end)));
    return counts.reduce((a, b) => a + b, 0);
  });
  return row('refresh (rotation)', result, cpu, wall, errors, database);
}

/** POST /api/payments from `clients` loops, each with its own Idempotency-Key (a durable write each). */
async function paymentsPerCore(bulwark: BulwarkProcess, seconds: number, clients: number): Promise<PerCoreRow> {
  const employees = await activeEmployees(bulwark);
  const target = { url: bulwark.url, token: bulwark.token, employees };
  await paymentLoad(target, clients, WARM_UP_SECONDS);
  onMeasure?.(bulwark.child.pid as number);
  onMeasure = undefined;
  const { result, cpu, wall, database } = await measured(bulwark.child.pid as number, () =>
    paymentLoad(target, clients, seconds),
  );
  return row(`POST /api/payments (${clients} clients)`, result.done, cpu, wall, result.errors, database);
}

/**
 * The token service's cost per operation, on a fresh dev instance (SQLite, durable commits) pinned
 * to CPU 0, the load from this process: server CPU time per answered operation from /proc.
 * Logins exclude the login the harness makes; each operation is warmed up first (WARM_UP_SECONDS).
 */
export interface PerCoreOptions {
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** Only the operations whose name contains this. */
  only?: string | undefined;
  /** Called with the server's pid as the first measurement (after its warm-up) starts. */
  onMeasure?: (pid: number) => void;
  /** The database server's CPU seconds so far (cpuSecondsOfCommand('postgres')): counted per operation too. */
  databaseCpu?: () => number;
}

export async function benchPerCore(
  seconds: number,
  log: (line: string) => void = () => {},
  options: PerCoreOptions = {},
): Promise<PerCoreRow[]> {
  const bulwark = await startBulwark(options.env ?? {}, options.nodeArgs ?? []);
  onMeasure = options.onMeasure;
  databaseCpu = options.databaseCpu;
  const wanted = (name: string) => options.only === undefined || name.includes(options.only);
  try {
    const pid = bulwark.child.pid as number;
    const client = await addClient(bulwark);
    const rows: PerCoreRow[] = [];
    const push = (r: PerCoreRow) => {
      rows.push(r);
      log(
        `  ${r.operation}: ${Math.round(r.perCore).toLocaleString('en-US')}/s per core (${r.cpuMicros.toFixed(0)} µs CPU/op; ${Math.round(r.wallRate)}/s wall, ${r.errors} errors)`,
      );
      if (r.ceilingPerCore !== undefined) log(ceilingLine(r));
    };
    if (wanted('introspect'))
      push(
        await cannon(pid, 'POST /oauth/introspect', {
          url: `${bulwark.url}/oauth/introspect`,
          method: 'POST',
          connections: 16,
          duration: seconds,
          headers: { ...FORM, authorization: client.basic },
          body: `token=${encodeURIComponent(bulwark.token)}`,
        }),
      );
    if (wanted('client_credentials'))
      push(
        await cannon(pid, 'client_credentials grant', {
          url: `${bulwark.url}/oauth/token`,
          method: 'POST',
          connections: 16,
          duration: seconds,
          headers: { ...FORM, authorization: client.basic },
          body: 'grant_type=client_credentials',
        }),
      );
    if (wanted('refresh')) push(await refreshes(bulwark, seconds, 16));
    if (wanted('payment')) push(await paymentsPerCore(bulwark, seconds, 16));
    if (wanted('login'))
      push(
        await loginsBesideCeiling(pid, seconds, {
          url: `${bulwark.url}/api/users-sessions`,
          method: 'POST',
          connections: 8,
          duration: seconds,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'alice', password: bulwark.password('alice') }),
        }),
      );
    return rows;
  } finally {
    await bulwark.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.argv[2] ?? 5);
  await benchPerCore(seconds, console.log, { only: process.argv[3] });
}

/** The log line of a login row's ceiling: its windows and the login's ratio to their mean. */
function ceilingLine(login: PerCoreRow): string {
  const windows = (login.ceilingWindows ?? []).map((rate) => Math.round(rate)).join(', ');
  return `  raw argon2id on the server's core, between the login windows: ${windows}/s; login ${(login.perCore / (login.ceilingPerCore ?? NaN)).toFixed(2)}× their mean`;
}

/**
 * Raw argon2id checks per core at Bulwark's parameters (bench/argon2-raw.ts), measured on the
 * server's core: the ceiling a login can approach there. Not in this process, which runs on the
 * load generator's core: this VM's two vCPUs differ, and which one is faster changes (on
 * 2026-12-06, three alternating runs each: 75 against 88/s in CPU 1's favour, and half an hour
 * later 84-92 against 74-75/s in CPU 0's), so a ceiling taken on the other core moved the login's
 * ratio by ±15 % either way.
 */
async function argon2CpuPerCore(seconds: number): Promise<number> {
  const script = fileURLToPath(new URL('./argon2-raw.ts', import.meta.url));
  const { stdout } = await run('taskset', [
    '-c',
    SERVER_CPU,
    process.execPath,
    '--import',
    'tsx',
    script,
    String(seconds),
  ]);
  return (JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { perCore: number }).perCore;
}
