import { writeFileSync } from 'node:fs';
import { benchHttp, type HttpRow } from './http.js';
import { WHAT_CHANGED } from './findings.js';
import { PER_CORE_FINDINGS, POSTGRES_ROUTES } from './findings-recorded.js';
import { benchMixed } from './mixed.js';
import { benchPerCore } from './per-core.js';
import { perCorePostgresSection, perCoreSection } from './per-core-report.js';
import { benchPerCorePostgres } from './per-core-postgres.js';
import { benchPaymentsGrowth } from './growth.js';
import { describeMachine } from './machine.js';
import { authSection, growthSection, revocationSection, routesSection, soakSection } from './report.js';
import { benchRoutes } from './routes.js';
import { benchVerify, VERIFY_ALGS, type VerifyRow } from './verify.js';
import { argon2PerCore, benchAuthFlows, revocationCost, soak } from './work.js';

/**
 * `npm run bench`: verification throughput per alg against the peers, HTTP throughput of a
 * protected route, Bulwark's own routes beside a hand-assembled stack, and the cost as the work
 * grows (payments table size on SQLite and, with BENCH_DATABASE_URL, Postgres; logins, refreshes,
 * revocations; with BENCH_SOAK_SECONDS, a mixed soak). Prints all and writes docs/benchmarks.md.
 * BENCH_QUICK=1 shortens every measurement (for a smoke run, not for publishing).
 */
const quick = process.env.BENCH_QUICK === '1';
const log = (line: string) => console.log(line);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}×` : '–');

const machine = describeMachine();
log(`Machine: ${machine}`);
log('Verification (ops/s, one core):');
const verifyRows = await benchVerify(quick ? 300 : 2000, log);
log('HTTP, protected JSON route (server on CPU 0, autocannon on CPU 1):');
const httpRows = await benchHttp(quick ? 3 : 10, log);
const [routeSeconds, routeRounds] = quick ? [2, 2] : [5, 4];
log("Bulwark's own routes vs the hand-assembled stack (both on CPU 0):");
const routeRows = await benchRoutes(routeSeconds, routeRounds, log);
log('GET /api/payments as the table grows:');
const growth = await benchPaymentsGrowth(quick ? [1_000, 10_000] : [10_000, 1_000_000], quick ? 2 : 10, log);
log('Logins, refreshes, revocations:');
const argon2 = await argon2PerCore(quick ? 1 : 5);
const flows = await benchAuthFlows(quick ? 2 : 10);
const revocations = [0, 100_000].map((n) => revocationCost(n, quick ? 300 : 1500));
log(
  `  argon2 ${argon2.toFixed(1)}/s per core, logins ${flows.loginPerSec.toFixed(1)}/s, refreshes ${flows.refreshPerSec.toFixed(0)}/s`,
);
log('The token service per core (server CPU per operation):');
const perCoreSeconds = quick ? 2 : 5;
const perCore = await benchPerCore(perCoreSeconds, log);
log('Reads beside durable writes:');
const mixed = await benchMixed(perCoreSeconds, log);
const postgresUrl = process.env.BENCH_DATABASE_URL;
if (postgresUrl !== undefined) log('The token service per core on Postgres:');
const perCorePostgres =
  postgresUrl === undefined ? undefined : await benchPerCorePostgres(postgresUrl, perCoreSeconds, log);
const soakSeconds = Number(process.env.BENCH_SOAK_SECONDS ?? 0);
const soaked = soakSeconds > 0 ? await soak(soakSeconds, log) : undefined;

const rate = (alg: string, impl: string) => verifyRows.find((r) => r.alg === alg && r.impl === impl)?.rate?.opsPerSec;
const verifyTable = [
  '| alg | implementation | ops/s | × floor | × jose | × fast-jwt (no cache) |',
  '|---|---|---:|---:|---:|---:|',
  ...verifyRows.map((r: VerifyRow) => {
    const ops = r.rate?.opsPerSec;
    if (ops === undefined) return `| ${r.alg} | ${r.impl} | ${r.note ?? 'n/a'} | | | |`;
    return `| ${r.alg} | ${r.impl} | ${fmt(ops)} | ${ratio(ops, rate(r.alg, 'node:crypto signature only (floor)'))} | ${ratio(ops, rate(r.alg, 'jose 6 jwtVerify'))} | ${ratio(ops, rate(r.alg, 'fast-jwt'))} |`;
  }),
];
const http = (name: string) => httpRows.find((r) => r.server === name)?.requestsPerSec;
const httpTable = [
  '| server | req/s | p50 ms | p99 ms | × bare fastify | × @fastify/jwt | × express + jsonwebtoken | non-2xx |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...httpRows.map(
    (r: HttpRow) =>
      `| ${r.server} | ${fmt(r.requestsPerSec)} | ${r.p50Ms} | ${r.p99Ms} | ${ratio(r.requestsPerSec, http('fastify, no auth (ceiling)'))} | ${ratio(r.requestsPerSec, http('fastify + @fastify/jwt'))} | ${ratio(r.requestsPerSec, http('express + jsonwebtoken'))} | ${r.non2xx} |`,
  ),
];

const check = (ok: boolean) => (ok ? 'met' : '**not met**');
const targets = [
  ...VERIFY_ALGS.map((alg) => {
    const r = (rate(alg, 'bulwark guard') ?? 0) / (rate(alg, 'node:crypto signature only (floor)') ?? 1);
    const f = (rate(alg, 'bulwark guard') ?? 0) / (rate(alg, 'fast-jwt') ?? 1);
    return `| ${alg} without cache ≥ 0.8× floor, ahead of fast-jwt | ${r.toFixed(2)}× floor, ${f.toFixed(2)}× fast-jwt | ${check(r >= 0.8 && f > 1)} |`;
  }),
  ...VERIFY_ALGS.map(
    (alg) =>
      `| ${alg} with cache ≥ 1,000,000/s | ${fmt(rate(alg, 'bulwark guard + cache') ?? 0)}/s | ${check((rate(alg, 'bulwark guard + cache') ?? 0) >= 1e6)} |`,
  ),
  ...(
    [
      ['bare fastify', 'fastify, no auth (ceiling)', 0.9],
      ['@fastify/jwt', 'fastify + @fastify/jwt', 2.5],
      ['express + jsonwebtoken', 'express + jsonwebtoken', 10],
    ] as const
  ).map(([label, name, want]) => {
    const r = (http('bulwark guard on fastify') ?? 0) / (http(name) ?? 1);
    return `| HTTP ≥ ${want}× ${label} | ${r.toFixed(2)}× | ${check(r >= want)} |`;
  }),
];

const bulwarkVsFloor = VERIFY_ALGS.map(
  (alg) => `${alg} ${ratio(rate(alg, 'bulwark guard'), rate(alg, 'node:crypto signature only (floor)'))}`,
).join(', ');
const markdown = `# Benchmarks

Produced by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}${quick ? ' — QUICK smoke run, not for comparison' : ''}.
Machine: ${machine}.
Reproduce: \`npm install && npm run bench\` (about ten minutes; it rewrites this file). \`BENCH_DATABASE_URL=postgres://…\` adds
Postgres to the growth section and the token service per core, \`BENCH_SOAK_SECONDS=600\` adds the mixed soak.

## Verification throughput (one core, one token verified repeatedly)

Every contender is checked to accept the token before it is timed. "floor" is node:crypto's
signature check alone (no parsing, no claims): no JWT library can beat it. Bulwark's guard does
everything CONTRACT §3 requires (strict parse, header rules, signature, claims, revocation set);
"+ cache" skips the signature on a token already verified (the revocation check still runs).
jose 6 verifies through WebCrypto and is asynchronous.

${verifyTable.join('\n')}

Bulwark without cache vs the floor: ${bulwarkVsFloor}.

## HTTP: a protected JSON route

Each server alone on CPU 0 (\`taskset -c 0\`), autocannon on CPU 1, 50 connections, ${quick ? 3 : 10} s after a
2 s warm-up, every request carrying the same ES256 access token.

${httpTable.join('\n')}

## Targets (issue 4), judged on this run

| target | reached | |
|---|---|---|
${targets.join('\n')}

${routesSection(routeRows, routeSeconds, routeRounds)}
${growthSection(growth.rows, growth.plans)}
${POSTGRES_ROUTES}
${authSection(argon2, flows)}
${perCoreSection(perCore, mixed)}
${perCorePostgresSection(perCorePostgres)}
${PER_CORE_FINDINGS}
${revocationSection(revocations)}
${soakSection(soaked)}
${WHAT_CHANGED}
## Revocation propagation across instances

Between two real \`bulwark serve\` processes on one Postgres and one Redis
(\`test/cluster/multi-instance.test.ts\`, 200 revocations, each a \`DELETE /api/sessions/{id}\`
on instance B, then instance A polled until it answers 401). Reproduce with
\`BULWARK_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node scripts/run-tests.mjs test/cluster\`
and read the \`revocation propagation\` lines. On the machine above (both processes, Postgres,
Redis and the test on its two cores):

| measured from | p50 | p99 | max |
|---|---|---|---|
| the 204 of B → the first 401 on A | 2.18 ms | 5.90 ms | 6.25 ms |
| the revoke request sent to B (incl. its Postgres commits) → the first 401 on A | 8.76 ms | 22.07 ms | 39.68 ms |

The middle of three runs on 2026-11-23 (p99 over the three: 5.7–6.5 ms from the 204, 22–33 ms
from the request). Target p99 < 50 ms on loopback: met. Each probe of A is itself an HTTP round trip, so the figures are
upper bounds. In process (\`test/revocation/redis-feed.test.ts\`, store write + publish + delivery
into the other instance's in-memory set): p50 1.03 ms, p99 4.53 ms. Without Redis, or while it
is down, revocations reach the other instances through the store sync within 2 s.

## Revocation at a third-party service: the SET feed, without Redis

The token service and \`examples/express-service\` (or \`hono-service\`) as real processes on one
machine, the service learning revocations only from the SET feed (RFC 8936 long polling, no shared
database, no Redis): 100 logins and logouts; for each, the time from the logout's 204 to the first
401 the service gives the same token (asked every 2 ms). Reproduce with
\`npm run build && node --import tsx bench/revocation-feed.ts 100 express-service\` (or
\`hono-service\`). Measured on 2026-12-01 on the machine above, shared with other work:

| service | p50 | p90 | p99 | max |
|---|---|---|---|---|
| examples/express-service | 3.6 ms | 12.0 ms | 33.2 ms | 107.5 ms |
| examples/hono-service | 2.9 ms | 11.2 ms | 38.4 ms | 63.1 ms |

Target p99 < 1 s: met. A held poll answers at once on a revocation made in the same process;
another token-service instance's revocations reach the feed within 1 s (each instance checks the
event log every second), or at once through Redis when it is configured.

**A poll beside a large log** (\`node --import tsx bench/ssf-log.ts 100000 <settle-ms|default> [postgres-url]\`,
in process, 2026-12-07): the milliseconds of one poll's read of 101 events beside 100,000 live
events, for a stream that has acknowledged them all and for one that has acknowledged none, and
of the once-a-second wake-up marker. Before \`b08b964\` a poll walked past every event its
stream had acknowledged; each stream now keeps a watermark that passes acknowledged events once
they are older than the settling time (5 s on SQLite, 2 min on Postgres: see
\`EVENT_SETTLE_MS\`). "Settled" is the log as it stands once its events are older than that
(\`0\`); "all within it" is 100,000 events written in the last 20 s (\`default\`), where the walk
remains until they settle.

| | SQLite before | SQLite after | Postgres before | Postgres after |
|---|---:|---:|---:|---:|
| poll, all acknowledged, settled | 154–265 ms | 0.12 ms | 457–587 ms | 0.57 ms |
| poll, all acknowledged, all within the settling time | (the same walk) | 3.1 ms | (the same walk) | 368 ms |
| poll, none acknowledged | 0.28–0.55 ms | 0.27–0.31 ms | 1.3–3.7 ms | 0.69–1.1 ms |
| wake-up marker | 4.4–7.0 ms | 0.21–0.24 ms | 6.4–13.1 ms | 8.1–8.2 ms (all within the window; it counts only the window) |

## How to read this

- Ratios are within this run only; absolute numbers move with the machine and its load.
- The HTTP figures include Fastify's routing and JSON serialisation; the gap between "bare
  fastify" and a guarded server is the cost of authentication per request.
`;
writeFileSync(new URL('../docs/benchmarks.md', import.meta.url), markdown);
log('Wrote docs/benchmarks.md');
