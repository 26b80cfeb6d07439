import type { GrowthRow, Plan } from './growth.js';
import type { RouteRow } from './routes.js';
import type { AuthFlows, RevocationCost, Soak } from './work.js';

/** Markdown for the sections of issue 14 (the product's own routes and its cost as work grows). */
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const check = (ok: boolean) => (ok ? 'met' : '**not met**');

export function routesSection(rows: RouteRow[], seconds: number, rounds: number): string {
  const met = (r: RouteRow) =>
    r.ratio >= r.want && r.cpuRatio >= r.want && r.minimalRatio >= r.want && r.minimalCpuRatio >= r.want;
  return `## Bulwark's own routes beside hand-assembled stacks

Bulwark's real server (\`bin/bulwark serve\`, development mode with the demo company, log level
warn, SQLite) and two stacks assembled by hand on the same database file: \`bench/servers/hand-assembled.mjs\`
(Fastify + @fastify/helmet + @fastify/jwt with ES256 and fast-jwt's verified-token cache +
better-sqlite3 prepared statements, response schemas, one hook for the static headers) and
\`bench/servers/hand-minimal.mjs\` (the same plugins, one prepared statement per route, no response
schema and no hook of its own: the least a hand stack does), all pinned to CPU 0, autocannon with
50 connections on CPU 1. Before timing, each must answer each route with the same status, the
same JSON and the same security headers as Bulwark (only Date, Content-Length, Connection,
Keep-Alive and Bulwark's X-Request-Id may differ). Each route is measured ${rounds} × ${seconds} s per
server, rotating which goes first, and the mean taken; p99 is the worst of the runs. The token is
alice's (admin) from a real login. "CPU" is the server process's CPU time per answered request
(from /proc, the least of the runs): on a machine shared with other work, req/s moves with
whatever else holds the core, CPU per request much less. A ratio above 1 is Bulwark ahead
(req/s: Bulwark's over the other's; CPU: the other's µs over Bulwark's); the target holds for
all four.

| route | Bulwark req/s | CPU µs/req | p99 ms | hand req/s | CPU µs | minimal req/s | CPU µs | × hand req/s | × hand CPU | × minimal req/s | × minimal CPU | target | |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
${rows.map((r) => `| ${r.route} | ${fmt(r.bulwark.requestsPerSec)} | ${fmt(r.bulwark.cpuUsPerRequest ?? 0)} | ${r.bulwark.p99Ms} | ${fmt(r.hand.requestsPerSec)} | ${fmt(r.hand.cpuUsPerRequest ?? 0)} | ${fmt(r.minimal.requestsPerSec)} | ${fmt(r.minimal.cpuUsPerRequest ?? 0)} | ${r.ratio.toFixed(2)}× | ${r.cpuRatio.toFixed(2)}× | ${r.minimalRatio.toFixed(2)}× | ${r.minimalCpuRatio.toFixed(2)}× | ≥ ${r.want.toFixed(2)}× | ${check(met(r))} |`).join('\n')}
`;
}

export function growthSection(rows: GrowthRow[], plans: Plan[]): string {
  const engines = [...new Set(rows.map((r) => r.engine))];
  const flat = engines
    .map((engine) => {
      const mine = rows.filter((r) => r.engine === engine && r.page === 'middle page (cursor)');
      const [small, large] = [mine[0], mine[mine.length - 1]];
      return small && large
        ? `${engine}: middle-page p99 ${small.load.p99Ms} ms at ${fmt(small.rows)} → ${large.load.p99Ms} ms at ${fmt(large.rows)}`
        : '';
    })
    .filter(Boolean)
    .join('; ');
  return `## GET /api/payments as the table grows

The payments table topped up (beside the demo company's) to each size, the server restarted on
it, then \`GET /api/payments?limit=20\` (first page) and the page after a cursor in the middle of
the table, each loaded as above. Keyset pagination on the \`(created_at, id)\` index: the page
after a cursor is \`where (created_at, id) > (?, ?) order by created_at, id limit 21\`.
${engines.includes('Postgres') ? '' : '\nPostgres was not measured in this run (set BENCH_DATABASE_URL=postgres://… to include it).\n'}
| engine | payments | page | req/s | p50 ms | p99 ms | non-2xx |
|---|---:|---|---:|---:|---:|---:|
${rows.map((r) => `| ${r.engine} | ${fmt(r.rows)} | ${r.page} | ${fmt(r.load.requestsPerSec)} | ${r.load.p50Ms} | ${r.load.p99Ms} | ${r.load.non2xx} |`).join('\n')}

${flat}.

The plans (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on Postgres) of the list query at each size:

| engine | payments | page | plan |
|---|---:|---|---|
${plans.map((p) => `| ${p.engine} | ${fmt(p.rows)} | ${p.page} | \`${p.plan.replaceAll('|', '\\|')}\` |`).join('\n')}
`;
}

export function authSection(argon2: number, flows: AuthFlows): string {
  return `## Logins and refreshes

Argon2id with Bulwark's parameters (19 MiB, t=2, p=1), one core, one check after another:
**${fmt(argon2)} checks/s**. Logins against the server on one core (8 connections): **${fmt(flows.loginPerSec)}/s**
(${(flows.loginPerSec / argon2).toFixed(2)}× the argon2 rate; ${flows.loginNon2xx} non-2xx), so a login costs an argon2 check and
little else. Refresh rotations (16 clients, each chaining its own refresh token): **${fmt(flows.refreshPerSec)}/s**
(${flows.refreshErrors} errors): no password hashing, a few indexed writes each.
`;
}

export function revocationSection(costs: RevocationCost[]): string {
  return `## The guard with many revoked tokens

The in-memory revocation set (revoked \`jti\`s, the worst case: one entry per token) and the
guard verifying one ES256 token, in process:

| revoked entries | heap for the set | verify with cache | verify without cache |
|---:|---:|---:|---:|
${costs.map((c) => `| ${fmt(c.entries)} | ${c.heapMiB.toFixed(1)} MiB | ${fmt(c.cachedPerSec)}/s | ${fmt(c.uncachedPerSec)}/s |`).join('\n')}

A lookup is a hash-map probe: the verify rate does not depend on the set's size beyond noise.
`;
}

export function soakSection(result: Soak | undefined): string {
  if (result === undefined) {
    return `## Mixed load over time

Not run in this pass. \`BENCH_SOAK_SECONDS=600 npm run bench\` runs it: 12 readers, 2 payment
writers and 2 clients logging in and refreshing, against one server, resident memory sampled
every 10 s.
`;
  }
  const samples = result.rssMiB;
  const warm = samples.filter(([t]) => t >= 60);
  const span =
    warm.length > 0
      ? `${Math.min(...warm.map(([, m]) => m)).toFixed(0)}–${Math.max(...warm.map(([, m]) => m)).toFixed(0)} MiB after the first minute`
      : 'too short to judge';
  return `## Mixed load over time

${result.seconds} s against one server: 12 readers (me, an employee, a payments page), 2 payment writers
(each POST with its own Idempotency-Key), 2 clients logging in and chaining 20 refreshes.
**${fmt(result.requests)} requests** (${Object.entries(result.by)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ')}), **${result.status5xx} answers 5xx**.
Resident memory: ${span}; samples (s: MiB): ${samples.map(([t, m]) => `${t}: ${m.toFixed(0)}`).join(', ')}.
`;
}
