import { PostgresAdapter, sql, type Kysely, type RawBuilder } from 'kysely';

/** pg returns bigint (int8) columns and count(*) as strings; SQLite returns numbers. */
export function ms(value: number | string | bigint): number {
  return Number(value);
}

export function msOrNull(value: number | string | bigint | null): number | null {
  return value === null ? null : Number(value);
}

/** SQLite `SQLITE_CONSTRAINT_UNIQUE`/`_PRIMARYKEY`, Postgres `23505`. */
/** SQLite's extended result codes for UNIQUE and PRIMARY KEY violations (node:sqlite `errcode`). */
const SQLITE_CONSTRAINT_UNIQUE = 2067;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;

/** A unique or primary-key violation, as Postgres, better-sqlite3 or node:sqlite reports it. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const { code, errcode } = error as { code: unknown; errcode?: unknown };
  if (code === 'ERR_SQLITE_ERROR')
    return errcode === SQLITE_CONSTRAINT_UNIQUE || errcode === SQLITE_CONSTRAINT_PRIMARYKEY;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Postgres's own clock as epoch milliseconds, read as the statement runs. */
const POSTGRES_NOW_MS = sql<number>`(floor(extract(epoch from clock_timestamp()) * 1000))::bigint`;
/** SQLite's clock (the machine's) as epoch milliseconds, read as the statement runs. */
const SQLITE_NOW_MS = sql<number>`cast((julianday('now') - 2440587.5) * 86400000 as integer)`;

/**
 * The clock cross-instance times are judged by (leases, the refresh reuse window), read when the
 * statement runs. On Postgres, with the process's real clock (Date.now), it is the database's
 * clock: every instance sharing the database then agrees, whatever its own clock says
 * (docs/contract.md §12.4). A controlled clock (a test's) stays authoritative. SQLite is one file
 * on one machine, read by processes on that machine's one clock: there it is `clock`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema
export function databaseClockMs(db: Kysely<any>, clock: () => number = Date.now): RawBuilder<number> {
  const postgres = isPostgres(db);
  if (postgres && clock === Date.now) return POSTGRES_NOW_MS;
  // A literal on Postgres, where the statement may travel in a simple-query message (no bound
  // parameters). On SQLite a bound parameter: a literal made the statement's text new every
  // millisecond, so it was prepared on every call and pushed hot statements out of the
  // statement cache (src/store/sqlite-driver.ts).
  const now = Math.trunc(clock());
  return postgres ? sql<number>`cast(${sql.lit(now)} as bigint)` : sql<number>`cast(${now} as bigint)`;
}

/**
 * The database's own clock as the statement runs, on either database: Postgres's
 * `clock_timestamp()`, SQLite's `julianday('now')` (the machine's clock, read inside the
 * statement, so under the write lock when the statement writes). Unlike databaseClockMs, never
 * a test's clock: for stamps that only the database compares with each other.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema
export function statementClockMs(db: Kysely<any>): RawBuilder<number> {
  return isPostgres(db) ? POSTGRES_NOW_MS : SQLITE_NOW_MS;
}

/** Whether `db` runs on Postgres (its adapter). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * databaseClockMs(db, Date.now) in a statement compiled once (CompiledRead): the database's clock
 * on Postgres; on SQLite `now`, the runtime parameter that carries the process's clock.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema
export function compiledClockMs(db: Kysely<any>, now: number): RawBuilder<number> {
  return isPostgres(db) ? POSTGRES_NOW_MS : sql<number>`cast(${now} as bigint)`;
}
