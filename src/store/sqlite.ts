import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, type SqliteStatement } from 'kysely';
import { DATABASE_DEADLINE_DEFAULTS } from '../config/index.js';
import type { Database } from './schema.js';
import { openSqliteDatabase } from './sqlite-driver.js';
import { DirectSqlite } from './direct-sqlite.js';
import { DurableSqliteDialect } from './durable-sqlite-dialect.js';
import { GroupCommit, walFlush, type WalFlush } from './group-commit.js';
import { KeepCauseSqliteDialect } from './keep-cause-dialect.js';
import { TableWrites } from './table-writes.js';
import { startWalCheckpointer, WAL_FALLBACK_CHECKPOINT_PAGES, type WalCheckpointer } from './wal-checkpointer.js';

export const MEMORY = ':memory:';

// Kept per dialect adapter: the same object for the Kysely instance made here and every one
// derived from it (withTables, withPlugin, a transaction), which share its connection.
const dataVersions = new WeakMap<object, () => number>();
const tableWrites = new WeakMap<object, TableWrites>();
const directRunners = new WeakMap<object, DirectSqlite>();
/** Any Kysely instance, whatever its tables. */
export type AnyKysely = { getExecutor(): { readonly adapter: object }; readonly isTransaction: boolean };
const adapterOf = (db: AnyKysely): object => db.getExecutor().adapter;

/**
 * The `PRAGMA data_version` of `db`'s connection (SQLite only, else undefined): it changes when
 * another connection commits, never for this connection's own commits. One prepared statement
 * run synchronously, 1-3 µs; kysely's single connection is never mid-statement
 * between two JavaScript turns, so reading it outside kysely is safe.
 */
export function dataVersionProbe(db: Kysely<Database>): (() => number) | undefined {
  return dataVersions.get(adapterOf(db));
}

/**
 * Where `db`'s compiled statements may run without kysely's executor (SQLite only, else
 * undefined): src/store/direct-sqlite.ts says when.
 */
export function directSqlite(db: AnyKysely): DirectSqlite | undefined {
  return directRunners.get(adapterOf(db));
}

/**
 * What says that no one has written some tables of `db` since a moment (SQLite only, else
 * undefined): another connection's commit moves `dataVersion`, a statement of this one the
 * tables' `writes.marker`. UnchangedCache keeps rows on it.
 */
export function changeMarkers(db: AnyKysely): { dataVersion: () => number; writes: TableWrites } | undefined {
  const adapter = adapterOf(db);
  const dataVersion = dataVersions.get(adapter);
  const writes = tableWrites.get(adapter);
  return dataVersion === undefined || writes === undefined ? undefined : { dataVersion, writes };
}

/** Commits after which a file database's WAL checkpointer starts. */
const CHECKPOINTER_AFTER_COMMITS = 200;

export interface OpenSqliteOptions {
  mustExist?: boolean;
  /**
   * The statement deadline (default DATABASE_DEADLINE_DEFAULTS): SQLite's busy_timeout (another
   * process's write lock), and the longest a write waits for the WAL flush that makes it durable.
   */
  statementTimeoutMs?: number;
  /** How the WAL is flushed (tests observe or delay it); default fdatasync of the -wal file. */
  flush?: (WalFlush & { close?: () => Promise<void> }) | undefined;
}

/**
 * Opens a SQLite database (better-sqlite3, or node:sqlite on Node 24: see sqlite-driver.ts) (a file, or `:memory:`). A new directory is created 0700 and
 * the file 0600 (SQLite gives its -wal/-shm files the same mode); an existing directory's mode
 * is left as the operator set it.
 */
export function openSqlite(path: string, options: OpenSqliteOptions = {}): Kysely<Database> {
  if (options.mustExist === true && path !== MEMORY && !existsSync(path)) {
    throw new Error(
      `no database at ${path}: start the server once (bulwark serve), or set BULWARK_DATA_DIR or BULWARK_DATABASE_URL to where it is`,
    );
  }
  if (path !== MEMORY) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
  const database = openSqliteDatabase(path);
  const statementTimeoutMs = options.statementTimeoutMs ?? DATABASE_DEADLINE_DEFAULTS.statementTimeoutMs;
  try {
    database.exec('PRAGMA journal_mode = WAL');
    // The write lock of another process (a second instance, the CLI) is waited for this long, then
    // the statement fails SQLITE_BUSY: a 503.
    database.exec(`PRAGMA busy_timeout = ${Math.trunc(statementTimeoutMs)}`);
    database.exec('PRAGMA foreign_keys = ON');
    // Every answer given (a 201 payment, a revocation, a logout) survives a power loss, not only a
    // killed process. A file database commits with NORMAL (no fsync on the event loop) and each
    // write then waits for the group flush of the WAL that covers it (group-commit.ts has the
    // argument): the durability of FULL, one fdatasync per group, off the event loop.
    // :memory: has nothing to flush.
    database.exec(path === MEMORY ? 'PRAGMA synchronous = FULL' : 'PRAGMA synchronous = NORMAL');
    // Checkpoints run on a thread of their own (wal-checkpointer.ts); this connection checkpoints
    // in a commit only past the fallback, so a commit rarely copies pages and fsyncs on the event loop.
    if (path !== MEMORY) database.exec(`PRAGMA wal_autocheckpoint = ${WAL_FALLBACK_CHECKPOINT_PAGES}`);
  } catch (error) {
    database.close();
    throw error;
  }
  const writes = new TableWrites();
  const flush = path === MEMORY ? undefined : (options.flush ?? walFlush(path));
  // Started by the store's CHECKPOINTER_AFTER_COMMITS-th commit: a store that writes little
  // (the CLI, most tests) never needs a thread, and its WAL stays short without one.
  let checkpointer: WalCheckpointer | undefined;
  const startCheckpointer = (n: number) => {
    if (n === CHECKPOINTER_AFTER_COMMITS)
      checkpointer = startWalCheckpointer(path, (message) =>
        process.emitWarning(`SQLite WAL checkpoint failed (the writer checkpoints past the fallback): ${message}`),
      );
  };
  const commits = flush === undefined ? undefined : new GroupCommit(flush, startCheckpointer, statementTimeoutMs);
  const db =
    flush === undefined || commits === undefined
      ? new Kysely<Database>({ dialect: new KeepCauseSqliteDialect({ database }, writes) })
      : new Kysely<Database>({
          dialect: new DurableSqliteDialect(
            { database },
            commits,
            async () => {
              await checkpointer?.close();
              await flush.close?.();
            },
            writes,
          ),
        });
  tableWrites.set(adapterOf(db), writes);
  directRunners.set(adapterOf(db), new DirectSqlite(database, writes, commits));
  const dataVersion = database.prepare('PRAGMA data_version') as SqliteStatement & {
    pluck?: (on: boolean) => { get(): unknown };
  };
  // better-sqlite3: the bare value (no row object, no array), a third less per probe; the probe
  // runs before every verification and client lookup. node:sqlite has no pluck: the row.
  const plucked = dataVersion.pluck?.(true);
  dataVersions.set(
    adapterOf(db),
    plucked === undefined
      ? () => (dataVersion.all([]) as Array<{ data_version: number }>)[0]?.data_version ?? 0
      : () => Number(plucked.get()),
  );
  return db;
}
