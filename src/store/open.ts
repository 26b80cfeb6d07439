import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { DATABASE_DEADLINE_DEFAULTS, type DatabaseDeadlines } from '../config/index.js';
import { migrateToLatest } from './migrations/index.js';
import type { MigrationMap } from './migrations/index.js';
import { migratePostgres, openPostgres } from './postgres.js';
import type { Database } from './schema.js';
import { MEMORY, openSqlite, type OpenSqliteOptions } from './sqlite.js';
import { createSqlStore } from './sql/store.js';
import type { SqlStore } from './sql/store.js';

export const SQLITE_FILE = 'bulwark.db';

export interface OpenStoreOptions {
  /** Unset or `sqlite:` → `<dataDir>/bulwark.db`; `sqlite:<path>`, `sqlite::memory:`;
   *  `postgres://…` or `postgresql://…` → Postgres. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Migrations of other modules (e.g. `0002_payroll`), run after the core ones. */
  migrations?: MigrationMap | undefined;
  /** false: read-only use (CLI listings): nothing is created or migrated; a missing SQLite file is an error. */
  migrate?: boolean | undefined;
  /** Deadlines of every call the store makes (the migrations excepted); defaults: DATABASE_DEADLINE_DEFAULTS. */
  deadlines?: DatabaseDeadlines | undefined;
  /** SQLite: how the WAL is flushed (tests stall or fail it); default fdatasync of the -wal file. */
  walFlush?: OpenSqliteOptions['flush'];
}

type Target = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

function target(options: OpenStoreOptions): Target {
  const url = options.databaseUrl ?? '';
  if (url === '') return { kind: 'sqlite', path: join(options.dataDir, SQLITE_FILE) };
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  if (/^sqlite:/i.test(url)) {
    const rest = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (rest === '') return { kind: 'sqlite', path: join(options.dataDir, SQLITE_FILE) };
    return { kind: 'sqlite', path: rest === MEMORY ? MEMORY : resolve(rest) };
  }
  // Only the scheme: the rest of a URL may hold a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? '(none)';
  throw new Error(`unsupported database URL scheme ${scheme}; use sqlite: or postgres://`);
}

/** Where the configured database is: a SQLite file (its path, or `:memory:`) or Postgres. */
export function databaseLocation(
  options: Pick<OpenStoreOptions, 'databaseUrl' | 'dataDir'>,
): { kind: 'sqlite'; path: string } | { kind: 'postgres' } {
  const where = target({ ...options });
  return where.kind === 'sqlite' ? where : { kind: 'postgres' };
}

/** Opens the database, brings it to the latest migration and returns the store. */
export async function openStore(options: OpenStoreOptions): Promise<SqlStore> {
  const where = target(options);
  const deadlines = options.deadlines ?? DATABASE_DEADLINE_DEFAULTS;
  let db: Kysely<Database>;
  try {
    db =
      where.kind === 'sqlite'
        ? openSqlite(where.path, {
            mustExist: options.migrate === false,
            statementTimeoutMs: deadlines.statementTimeoutMs,
            flush: options.walFlush,
          })
        : openPostgres(where.url, deadlines);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('no database at')) throw error;
    throw new Error(`cannot open the ${where.kind} database: ${reason(error)}`, { cause: error });
  }
  if (options.migrate === false) return createSqlStore(db, where.kind);
  // Postgres migrations run on a pool of their own without statement deadlines: a migration may
  // rightly take longer than any request (an index on a large table, waiting for another
  // instance's migration lock).
  const migrator = where.kind === 'postgres' ? openPostgres(where.url) : db;
  try {
    if (where.kind === 'postgres') await migratePostgres(migrator, options.migrations);
    else await migrateToLatest(db, { extra: options.migrations });
  } catch (error) {
    await db.destroy().catch(() => undefined);
    if (error instanceof Error && error.message.startsWith('database migration')) throw error;
    throw new Error(`cannot open the ${where.kind} database: ${reason(error)}`, { cause: error });
  } finally {
    if (migrator !== db) await migrator.destroy().catch(() => undefined);
  }
  return createSqlStore(db, where.kind);
}

/** A private in-memory SQLite store (tests, throw-away tools); gone when closed. */
export function openMemoryStore(migrations?: MigrationMap): Promise<SqlStore> {
  return openStore({ databaseUrl: `sqlite:${MEMORY}`, dataDir: '.', migrations });
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
