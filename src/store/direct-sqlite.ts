import { CompiledQuery, type QueryResult, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { BARRIER, commitToAwait, tagged } from './durable-sqlite-dialect.js';
import type { GroupCommit } from './group-commit.js';
import type { TableWrites } from './table-writes.js';

/** A SQLite database as the direct path sees it: kysely's shape, and whether a transaction is open. */
export type DirectDatabase = SqliteDatabase & { readonly inTransaction?: boolean | undefined };

/** better-sqlite3's statement, and node:sqlite's as sqlite-driver.ts adapts it: `raw(true)` answers rows as arrays. */
type ArraysStatement = SqliteStatement & { raw?: (on: boolean) => unknown };

/** Runs one statement of a synchronous transaction and answers its result. */
export type RunStatement = <R>(query: CompiledQuery<R>) => QueryResult<R>;

const BEGIN = CompiledQuery.raw('begin');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');

/**
 * Runs a compiled statement on SQLite's one connection at once, without kysely's executor, with
 * what the dialects do around it (src/store/durable-sqlite-dialect.ts, keep-cause-dialect.ts):
 * the tables it wrote are noted (caches), and a write outside a transaction returns once its group
 * flush is on disk. kysely's layers (its connection provider and mutex, the driver wrappers and
 * their promises) cost about 9 µs a statement, more than a primary-key read itself.
 *
 * Sound because the statement runs synchronously: nothing else can use the connection while it
 * runs. It runs only where kysely would run it on that connection the same way: outside a
 * transaction when none is open (a kysely transaction holds the connection across its awaits;
 * then the statement goes through kysely and waits its turn), or inside the caller's own
 * transaction. Returns undefined where it does not apply, and the caller goes through kysely.
 */
export class DirectSqlite {
  constructor(
    private readonly database: DirectDatabase,
    private readonly writes: TableWrites,
    /** The durable dialect's group commit; none for `:memory:`. */
    private readonly commits: GroupCommit | undefined,
  ) {}

  /** `arrays`: a reader's rows as arrays of their values in select order (no per-row keys). */
  run<R>(query: CompiledQuery, inCallersTransaction: boolean, arrays = false): Promise<QueryResult<R>> | undefined {
    const open = this.database.inTransaction;
    // An engine that cannot say whether a transaction is open is never run directly.
    if (open === undefined || open !== inCallersTransaction) return undefined;
    // A barrier inside a transaction is the driver's to carry to the release: leave it to kysely.
    if (inCallersTransaction && tagged(query, BARRIER)) return undefined;
    let result: QueryResult<R>;
    try {
      result = this.#execute<R>(query, arrays);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    this.writes.note(query, result);
    if (inCallersTransaction || this.commits === undefined) return Promise.resolve(result);
    const pending = commitToAwait(this.commits, query, result, false);
    return pending === 0 ? Promise.resolve(result) : this.commits.durable(pending).then(() => result);
  }

  /**
   * Runs `body` as one transaction, synchronously: BEGIN, the statements it runs, COMMIT, in one
   * turn of the event loop, so nothing else runs on the connection meanwhile and kysely's
   * transaction machinery (about 25 µs a transaction) is not paid. Then the commit waits for its
   * group flush, as a kysely transaction's does. `body` answering undefined rolls the transaction
   * back (the caller takes its slower path); throwing rolls it back and rejects with that error.
   * Returns undefined, running nothing, while a transaction is open (kysely holds the connection:
   * the caller goes through kysely and waits its turn) or where the engine cannot say.
   */
  transaction<T>(body: (run: RunStatement) => T | undefined): Promise<T | undefined> | undefined {
    if (this.database.inTransaction !== false) return undefined;
    const run: RunStatement = <R>(query: CompiledQuery<R>) => {
      const result = this.#execute<R>(query);
      this.writes.note(query, result);
      return result;
    };
    let value: T | undefined;
    try {
      this.#execute(BEGIN);
      value = body(run);
      this.#execute(value === undefined ? ROLLBACK : COMMIT);
    } catch (error) {
      // SQLite ends a transaction itself on some errors (SQLITE_FULL, SQLITE_IOERR): roll back only an open one.
      try {
        if (this.#inTransaction()) this.#execute(ROLLBACK);
      } catch {
        // The statement's own error is the one to answer with.
      }
      return Promise.reject(error as Error);
    }
    if (value === undefined || this.commits === undefined) return Promise.resolve(value);
    return this.commits.durable(this.commits.committed()).then(() => value);
  }

  /** Read afresh: a statement that failed may have ended the transaction. */
  #inTransaction(): boolean {
    return this.database.inTransaction === true;
  }

  /** As kysely's SqliteConnection.executeQuery, synchronously. */
  #execute<R>(query: CompiledQuery, arrays = false): QueryResult<R> {
    const statement = this.database.prepare(query.sql) as ArraysStatement;
    if (statement.reader) {
      if (!arrays) return { rows: statement.all(query.parameters) as R[] };
      if (statement.raw === undefined)
        return { rows: statement.all(query.parameters).map((row) => Object.values(row as object)) as R[] };
      // The statement is shared with kysely's driver (one per SQL text): back to objects at once.
      statement.raw(true);
      try {
        return { rows: statement.all(query.parameters) as R[] };
      } finally {
        statement.raw(false);
      }
    }
    const { changes, lastInsertRowid } = statement.run(query.parameters);
    return {
      numAffectedRows: changes === undefined || changes === null ? undefined : BigInt(changes),
      insertId: lastInsertRowid === undefined || lastInsertRowid === null ? undefined : BigInt(lastInsertRowid),
      rows: [],
    };
  }
}
