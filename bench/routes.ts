import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { BENCH_ISSUER, startBulwark, startForked, type BulwarkProcess, type Running } from './processes.js';

export interface RouteRow {
  route: string;
  bulwark: Load;
  hand: Load;
  /** The minimal hand-assembled variant (bench/servers/hand-minimal.mjs). */
  minimal: Load;
  /** Bulwark's req/s over the hand-assembled stack's, both measured in this run. */
  ratio: number;
  /** The hand-assembled stack's CPU per request over Bulwark's: above 1, Bulwark spends less. */
  cpuRatio: number;
  /** The same two against the minimal variant. */
  minimalRatio: number;
  minimalCpuRatio: number;
  /** What the issue asks of each ratio. */
  want: number;
}

export interface Load {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  /** The server process's CPU time (user + system) per answered request, in µs, when its pid was given. */
  cpuUsPerRequest?: number;
}

/** Headers that differ between any two answers and say nothing about security (Bulwark echoes a request id; the hand stack has none). */
const NEUTRAL = new Set(['date', 'content-length', 'connection', 'keep-alive', 'etag', 'x-request-id']);

/**
 * One load run: 50 connections from this process (on CPU 1) against a server on CPU 0. With the
 * server's pid, also its CPU time per request, which other work on a shared machine barely moves
 * (it takes wall time from the server, not CPU time per request).
 */
export async function load(url: string, headers: Record<string, string>, seconds: number, pid?: number): Promise<Load> {
  const before = pid === undefined ? 0 : cpuTicks(pid);
  const result = await autocannon({ url, headers, connections: 50, pipelining: 1, duration: seconds });
  const out: Load = {
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
  };
  if (pid !== undefined && result.requests.total > 0)
    out.cpuUsPerRequest = ((cpuTicks(pid) - before) * 10_000) / result.requests.total;
  return out;
}

/** utime + stime of a process, in clock ticks (100 per second on Linux). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Bulwark's real server (`bin/bulwark serve`, log level warn) and two hand-assembled stacks
 * (bench/servers/hand-assembled.mjs and the minimal hand-minimal.mjs) on the same SQLite file,
 * all pinned to CPU 0, measured on the same routes in rotating order so drift from other work on
 * the machine falls on each. Before timing, each must answer the same body and the same security
 * headers as Bulwark.
 */
export async function benchRoutes(seconds: number, rounds: number, log: (line: string) => void): Promise<RouteRow[]> {
  const bulwark = await startBulwark();
  let hand: Running | undefined;
  let minimal: Running | undefined;
  try {
    const jwks = (await (await fetch(`${bulwark.url}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    const env = {
      BENCH_DB: bulwark.dbFile,
      BENCH_JWK: JSON.stringify(jwks.keys[0]),
      BENCH_ISSUER,
      BENCH_AUDIENCE: 'payroll',
    };
    hand = await startForked('hand-assembled.mjs', env);
    minimal = await startForked('hand-minimal.mjs', env);
    const headers = { authorization: `Bearer ${bulwark.token}` };
    const employees = (await (await fetch(`${bulwark.url}/api/employees?limit=1`, { headers })).json()) as {
      items: Array<{ id: string }>;
    };
    const routes: Array<[string, string, Record<string, string>, number]> = [
      ['GET /healthz', '/healthz', {}, 1.0],
      ['GET /api/users/me', '/api/users/me', headers, 1.2],
      ['GET /api/employees/{id}', `/api/employees/${employees.items[0]?.id ?? 'none'}`, headers, 1.2],
      ['GET /api/payments?limit=20', '/api/payments?limit=20', headers, 1.2],
    ];
    const rows: RouteRow[] = [];
    // BENCH_ROUTES=healthz,me: only the routes whose name contains one of these (while profiling).
    const only = process.env.BENCH_ROUTES?.split(',');
    for (const [route, path, h, want] of routes.filter(
      ([name]) => only === undefined || only.some((o) => name.includes(o)),
    )) {
      await sameAnswer(route, bulwark, hand, path, h);
      await sameAnswer(route, bulwark, minimal, path, h);
      const servers = [
        [bulwark.url, bulwark.child.pid],
        [hand.url, hand.child.pid],
        [minimal.url, minimal.child.pid],
      ] as const;
      for (const [url] of servers) await load(`${url}${path}`, h, 2); // warm-up
      const runs: [Load[], Load[], Load[]] = [[], [], []];
      // Each round in another order (0 1 2, 1 2 0, 2 0 1, ...), so each server goes first as often.
      for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < servers.length; k++) {
          const i = ((round + k) % servers.length) as 0 | 1 | 2;
          runs[i].push(await load(`${servers[i][0]}${path}`, h, seconds, servers[i][1]));
        }
      }
      const [b, hd, mn] = [merge(runs[0]), merge(runs[1]), merge(runs[2])];
      const cpu = (other: Load) => (other.cpuUsPerRequest ?? 0) / (b.cpuUsPerRequest ?? 1);
      const row: RouteRow = {
        route,
        bulwark: b,
        hand: hd,
        minimal: mn,
        ratio: b.requestsPerSec / hd.requestsPerSec,
        cpuRatio: cpu(hd),
        minimalRatio: b.requestsPerSec / mn.requestsPerSec,
        minimalCpuRatio: cpu(mn),
        want,
      };
      rows.push(row);
      log(
        `  ${route.padEnd(28)} bulwark ${fmt(b.requestsPerSec)} req/s ${us(b)} p99 ${b.p99Ms} ms | hand ${fmt(hd.requestsPerSec)} req/s ${us(hd)} | minimal ${fmt(mn.requestsPerSec)} req/s ${us(mn)} | × hand ${row.ratio.toFixed(2)} req/s, ${row.cpuRatio.toFixed(2)} CPU | × minimal ${row.minimalRatio.toFixed(2)} req/s, ${row.minimalCpuRatio.toFixed(2)} CPU`,
      );
    }
    return rows;
  } finally {
    await minimal?.stop();
    await hand?.stop();
    await bulwark.stop();
  }
}

function merge(runs: Load[]): Load {
  const mean = (f: (l: Load) => number) => runs.reduce((s, l) => s + f(l), 0) / runs.length;
  // CPU per request: the least of the runs, the one least disturbed by other work on the core.
  const cpu = Math.min(...runs.map((l) => l.cpuUsPerRequest ?? Infinity));
  return {
    requestsPerSec: mean((l) => l.requestsPerSec),
    p50Ms: Math.max(...runs.map((l) => l.p50Ms)),
    p99Ms: Math.max(...runs.map((l) => l.p99Ms)),
    non2xx: runs.reduce((s, l) => s + l.non2xx, 0),
    cpuUsPerRequest: cpu,
  };
}

const us = (l: Load) => `${(l.cpuUsPerRequest ?? 0).toFixed(0).padStart(4)} µs/req`;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(7);

/** The comparison is only fair if both do the same work: same status, body and security headers. */
async function sameAnswer(
  route: string,
  bulwark: BulwarkProcess,
  hand: Running,
  path: string,
  headers: Record<string, string>,
): Promise<void> {
  const [a, b] = await Promise.all([
    fetch(`${bulwark.url}${path}`, { headers }),
    fetch(`${hand.url}${path}`, { headers }),
  ]);
  const [bodyA, bodyB] = [await a.text(), await b.text()];
  if (a.status !== 200 || b.status !== 200)
    throw new Error(`${route}: bulwark ${a.status}, hand-assembled ${b.status}`);
  if (JSON.stringify(JSON.parse(bodyA)) !== JSON.stringify(JSON.parse(bodyB)))
    throw new Error(`${route}: the bodies differ:\n${bodyA}\n${bodyB}`);
  const names = (r: Response) =>
    [...r.headers.entries()]
      .filter(([k]) => !NEUTRAL.has(k))
      .map(([k, v]) => `${k}: ${v}`)
      .sort()
      .join('\n');
  if (names(a) !== names(b)) throw new Error(`${route}: the headers differ:\n${names(a)}\n---\n${names(b)}`);
}
