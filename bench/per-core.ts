import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { cpuDuring } from './cpu.js';
import { login, startBulwark, type BulwarkProcess } from './processes.js';

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
 * Each operation runs this long before it is measured: after 1 s the optimising compiler was still
 * at work on the hot paths (a tenth of a refresh's CPU in `perf`), which is start-up, not the cost
 * of an operation on a server that has been up for a while.
 */
const WARM_UP_SECONDS = 3;

/**
 * Logins are a hundred times slower than the other operations, so 3 s warms their path with only
 * ~300 calls: the optimising compiler was then still a quarter of the server's CPU beside the
 * main thread (V8's worker threads, 230 ms in a 5 s window; 60 ms after 20 s of warm-up).
 */
const LOGIN_WARM_UP_SECONDS = 10;

async function cannon(
  pid: number,
  operation: string,
  options: autocannon.Options,
  warmUpSeconds = WARM_UP_SECONDS,
): Promise<PerCoreRow> {
  await autocannon({ ...options, duration: warmUpSeconds });
  onMeasure?.(pid);
  onMeasure = undefined;
  const { result, cpu, wall, database } = await measured(pid, () => autocannon(options));
  const ok = result.requests.total - result.non2xx;
  return row(operation, ok, cpu, wall, result.non2xx + result.errors, database);
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
    let refresh = first;
    let done = 0;
    while (performance.now() < end) {
      const response = await fetch(`${bulwark.url}/api/users-sessions/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: refresh }),
      });
      if (response.status !== 200) {
        errors++;
        await response.body?.cancel();
        return done;
      }
      refresh = ((await response.json()) as { refresh_token: string }).refresh_token;
      done++;
    }
    return done;
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
  const headers = { authorization: `Bearer ${bulwark.token}`, 'content-type': 'application/json' };
  const listed = await fetch(`${bulwark.url}/api/employees?limit=20`, { headers });
  const employees = ((await listed.json()) as { items: Array<{ id: string; status: string }> }).items
    .filter((e) => e.status === 'active')
    .map((e) => e.id);
  let errors = 0;
  const run = async (end: number): Promise<number> => {
    let done = 0;
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        for (let i = 0; performance.now() < end; i++) {
          const body = JSON.stringify({
            employee_id: employees[(c + i) % employees.length],
            amount_cents: 1000 + i,
            currency: 'EUR',
            period: '2027-01',
            memo: 'bench',
          });
          const response = await fetch(`${bulwark.url}/api/payments`, {
            method: 'POST',
            headers: { ...headers, 'idempotency-key': randomUUID() },
            body,
          });
          await response.arrayBuffer();
          if (response.status === 201) done++;
          else errors++;
        }
      }),
    );
    return done;
  };
  await run(performance.now() + WARM_UP_SECONDS * 1000);
  onMeasure?.(bulwark.child.pid as number);
  onMeasure = undefined;
  const { result, cpu, wall, database } = await measured(bulwark.child.pid as number, () =>
    run(performance.now() + seconds * 1000),
  );
  return row(`POST /api/payments (${clients} clients)`, result, cpu, wall, errors, database);
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
        await cannon(
          pid,
          'password login (argon2id)',
          {
            url: `${bulwark.url}/api/users-sessions`,
            method: 'POST',
            connections: 8,
            duration: seconds,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'alice', password: bulwark.password('alice') }),
          },
          LOGIN_WARM_UP_SECONDS,
        ),
      );
    return rows;
  } finally {
    await bulwark.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchPerCore(Number(process.argv[2] ?? 5), console.log, { only: process.argv[3] });
}

/**
 * Raw argon2id checks per core at Bulwark's parameters, from this process's CPU time (all threads:
 * the check runs on libuv's pool): the ceiling a login can approach.
 */
export async function argon2CpuPerCore(seconds: number): Promise<number> {
  const { hash, verify } = await import('@node-rs/argon2');
  const { ARGON2_PARAMS } = await import('../src/auth/passwords/passwords.js');
  const stored = await hash('correct horse battery staple', ARGON2_PARAMS);
  await verify(stored, 'correct horse battery staple');
  const start = process.cpuUsage();
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    await verify(stored, 'correct horse battery staple');
    n++;
  }
  const used = process.cpuUsage(start);
  return n / ((used.user + used.system) / 1e6);
}
