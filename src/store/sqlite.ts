import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, SqliteDialect, type DatabaseConnection, type Driver } from 'kysely';
import { DATABASE_DEADLINE_DEFAULTS } from '../config/index.js';
import type { Database } from './schema.js';
import { openSqliteDatabase } from './sqlite-driver.js';

export const MEMORY = ':memory:';

const dataVersions = new WeakMap<Kysely<Database>, () => number>();

/**
 * The `PRAGMA data_version` of `db`'s connection (SQLite only, else undefined): it changes when
 * another connection commits, never for this connection's own commits. One prepared statement
 * run synchronously, about a microsecond; kysely's single connection is never mid-statement
 * between two JavaScript turns, so reading it outside kysely is safe.
 */
export function dataVersionProbe(db: Kysely<Database>): (() => number) | undefined {
  return dataVersions.get(db);
}

/**
 * Opens a SQLite database (better-sqlite3, or node:sqlite on Node 24: see sqlite-driver.ts) (a file, or `:memory:`). A new directory is created 0700 and
 * the file 0600 (SQLite gives its -wal/-shm files the same mode); an existing directory's mode
 * is left as the operator set it.
 */
export function openSqlite(path: string, options: { mustExist?: boolean; busyTimeoutMs?: number } = {}): Kysely<Database> {
  if (options.mustExist === true && path !== MEMORY && !existsSync(path)) {
    throw new Error(`no database at ${path}: start the server once (bulwark serve), or set BULWARK_DATA_DIR or BULWARK_DATABASE_URL to where it is`);
  }
  if (path !== MEMORY) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
  const database = openSqliteDatabase(path);
  try {
    database.exec('PRAGMA journal_mode = WAL');
    // The write lock of another process (a second instance, the CLI) is waited for this long, then
    // the statement fails SQLITE_BUSY: a 503.
    database.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? DATABASE_DEADLINE_DEFAULTS.statementTimeoutMs)}`);
    database.exec('PRAGMA foreign_keys = ON');
    // FULL: a commit returns only after its WAL frames are fsynced, so every answer given (a 201
    // payment, a revocation, a logout) survives a power loss, not only a killed process. NORMAL
    // would lose the last commits on power loss. Cost measured in docs/operations.md.
    database.exec('PRAGMA synchronous = FULL');
  } catch (error) {
    database.close();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new KeepCauseSqliteDialect({ database }) });
  const dataVersion = database.prepare('PRAGMA data_version');
  dataVersions.set(db, () => (dataVersion.all([]) as Array<{ data_version: number }>)[0]?.data_version ?? 0);
  return db;
}

/**
 * SQLite rolls a transaction back itself on some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM):
 * kysely's ROLLBACK then fails with "cannot rollback - no transaction is active", and that error
 * replaced the real one (a full disk answered 500 instead of 503). Here that ROLLBACK is a no-op
 * and the statement's own error is what the caller sees.
 */
class KeepCauseSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    const rollback = driver.rollbackTransaction.bind(driver);
    driver.rollbackTransaction = async (connection: DatabaseConnection): Promise<void> => {
      try {
        await rollback(connection);
      } catch (error) {
        if (!(error instanceof Error && /no transaction is active/i.test(error.message))) throw error;
      }
    };
    return driver;
  }
}
