/**
 * The token service's per-core table on Postgres (issue #22 item 2): the same operations as
 * bench/per-core.ts, Bulwark on a schema of its own in BENCH_DATABASE_URL, with Postgres's own
 * CPU per operation beside Bulwark's (every `postgres` process, from /proc: the database runs
 * on this machine, unpinned, beside the load generator).
 *   npm run build && BENCH_DATABASE_URL=postgres://… taskset -c 1 node --import tsx bench/per-core-postgres.ts
 */
import pg from 'pg';
import { cpuSecondsOfCommand } from './cpu.js';
import { benchPerCore, type PerCoreRow } from './per-core.js';
import { perCorePostgresSection } from './per-core-report.js';

/** benchPerCore on a fresh schema of `base` (dropped afterwards), Postgres's CPU counted. */
export async function benchPerCorePostgres(
  base: string,
  seconds: number,
  log: (line: string) => void = () => {},
): Promise<PerCoreRow[]> {
  const schema = `bench_per_core_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
    const url = new URL(base);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return await benchPerCore(seconds, log, {
      env: { BULWARK_DATABASE_URL: url.toString() },
      databaseCpu: () => cpuSecondsOfCommand('postgres'),
    });
  } finally {
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const base = process.env.BENCH_DATABASE_URL;
  if (base === undefined) throw new Error('BENCH_DATABASE_URL is required (postgres://…)');
  const rows = await benchPerCorePostgres(base, Number(process.argv[2] ?? 5), (line) => console.error(line));
  console.log(perCorePostgresSection(rows));
}
