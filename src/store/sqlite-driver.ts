import { createRequire } from 'node:module';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const require = createRequire(import.meta.url);

/** The SQLite engine behind kysely's SqliteDialect on this Node. */
export type SqliteEngine = 'better-sqlite3' | 'node:sqlite';

/**
 * better-sqlite3 12 aborts the process on Node 24 (its ObjectWrap destructor trips a CHECK that
 * Node 24 added; fixed only in better-sqlite3 13, which no longer supports Node 20). So: Node's
 * own node:sqlite from Node 24 on, better-sqlite3 on Node 20 and 22. Both get the same pragmas
 * and the same kysely dialect, and the same adapter test suite runs on either.
 */
export function sqliteEngine(): SqliteEngine {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= 24 ? 'node:sqlite' : 'better-sqlite3';
}

export function openSqliteDatabase(
  path: string,
  engine: SqliteEngine = sqliteEngine(),
): SqliteDatabase & { exec(sql: string): unknown } {
  if (engine === 'better-sqlite3') {
    const BetterSqlite = require('better-sqlite3') as new (
      path: string,
    ) => SqliteDatabase & { exec(sql: string): unknown };
    const database = new BetterSqlite(path);
    database.prepare = cachedPrepare(database.prepare.bind(database));
    return database;
  }
  return new NodeSqliteDatabase(path);
}

/** Distinct SQL texts kept prepared per database; the app has a few dozen, so this is a guard, not a tuning knob. */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * kysely's SqliteDriver prepares every query it runs, and preparing (parsing and planning the
 * SQL) cost more than running a primary-key read. A statement is reusable with new parameters,
 * so each distinct SQL text is prepared once. Safe because kysely runs one query at a time on
 * the connection (its mutex), so a cached statement is never mid-iteration when reused; SQLite
 * re-prepares a statement itself if the schema changed under it.
 */
export function cachedPrepare<S>(prepare: (sql: string) => S, max: number = STATEMENT_CACHE_SIZE): (sql: string) => S {
  const statements = new Map<string, S>();
  return (sql) => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = prepare(sql);
      // Oldest first out: a hot statement evicted by a burst of one-off SQL is prepared again.
      if (statements.size >= max) statements.delete(statements.keys().next().value as string);
      statements.set(sql, statement);
    }
    return statement;
  };
}

interface NodeStatement {
  columns(): unknown[];
  all(...params: unknown[]): unknown[];
  /** Node 22.16 and 24 on. */
  setReturnArrays?(on: boolean): void;
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...params: unknown[]): IterableIterator<unknown>;
}

interface NodeDatabaseSync {
  prepare(sql: string): NodeStatement;
  exec(sql: string): void;
  close(): void;
  /** Node 22.16 and 24 on; absent before. */
  readonly isTransaction?: boolean;
}

/** node:sqlite's DatabaseSync shaped like better-sqlite3 as far as kysely looks. */
class NodeSqliteDatabase implements SqliteDatabase {
  readonly #db: NodeDatabaseSync;
  readonly #prepare = cachedPrepare((sql: string) => this.#adapt(this.#db.prepare(sql)));

  constructor(path: string) {
    const { DatabaseSync } = require('node:sqlite') as { DatabaseSync: new (path: string) => NodeDatabaseSync };
    this.#db = new DatabaseSync(path);
  }

  prepare(sql: string): SqliteStatement {
    return this.#prepare(sql);
  }

  /** As better-sqlite3's: whether a transaction is open (src/store/direct-sqlite.ts asks). */
  get inTransaction(): boolean | undefined {
    return this.#db.isTransaction;
  }

  #adapt(statement: NodeStatement): SqliteStatement & { raw?: (on: boolean) => void } {
    return {
      reader: statement.columns().length > 0,
      all: (parameters) => statement.all(...parameters),
      run: (parameters) => statement.run(...parameters),
      iterate: (parameters) => statement.iterate(...parameters),
      // As better-sqlite3's raw(): rows as arrays (src/store/direct-sqlite.ts).
      ...(statement.setReturnArrays === undefined ? {} : { raw: (on: boolean) => statement.setReturnArrays?.(on) }),
    };
  }

  exec(sql: string): void {
    this.#db.exec(sql);
  }

  close(): void {
    this.#db.close();
  }
}
