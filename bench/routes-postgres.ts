/**
 * Bulwark's own routes on Postgres (the embedded SQLite default is what bench/routes.ts compares
 * with the hand-assembled stack, whose reads are better-sqlite3 statements): the same four routes
 * as the report's routes section, Bulwark alone, on a schema of its own in BENCH_DATABASE_URL.
 *   npm run build && BENCH_DATABASE_URL=postgres://… taskset -c 1 node --import tsx bench/routes-postgres.ts
 */
import pg from 'pg';
import { startBulwark } from './processes.js';
import { load, type Load } from './routes.js';

const base = process.env.BENCH_DATABASE_URL;
if (base === undefined) throw new Error('BENCH_DATABASE_URL is required (postgres://…)');
const [seconds, rounds] = process.env.BENCH_QUICK === '1' ? [2, 2] : [5, 4];
const schema = `bench_routes_${process.pid}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`create schema ${schema}`);
const url = new URL(base);
url.searchParams.set('options', `-c search_path=${schema}`);
const bulwark = await startBulwark({ BULWARK_DATABASE_URL: url.toString() });
try {
  const headers = { authorization: `Bearer ${bulwark.token}` };
  const employees = (await (await fetch(`${bulwark.url}/api/employees?limit=1`, { headers })).json()) as {
    items: Array<{ id: string }>;
  };
  const routes: Array<[string, string, Record<string, string>]> = [
    ['GET /healthz', '/healthz', {}],
    ['GET /api/users/me', '/api/users/me', headers],
    ['GET /api/employees/{id}', `/api/employees/${employees.items[0]?.id ?? 'none'}`, headers],
    ['GET /api/payments?limit=20', '/api/payments?limit=20', headers],
  ];
  console.log('| route (Postgres) | req/s | CPU µs/req | p50 ms | p99 ms | non-2xx |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, path, h] of routes) {
    await load(`${bulwark.url}${path}`, h, 2); // warm-up
    const runs: Load[] = [];
    for (let i = 0; i < rounds; i++) runs.push(await load(`${bulwark.url}${path}`, h, seconds, bulwark.child.pid));
    const mean = (f: (r: Load) => number) => runs.reduce((a, r) => a + f(r), 0) / runs.length;
    const cpu = Math.min(...runs.map((r) => r.cpuUsPerRequest ?? Infinity));
    console.log(
      `| ${name} | ${Math.round(mean((r) => r.requestsPerSec)).toLocaleString('en-US')} | ${Math.round(cpu)} | ${Math.round(mean((r) => r.p50Ms))} | ${Math.max(...runs.map((r) => r.p99Ms))} | ${runs.reduce((a, r) => a + r.non2xx, 0)} |`,
    );
  }
} finally {
  await bulwark.stop();
  await admin.query(`drop schema ${schema} cascade`);
  await admin.end();
}
