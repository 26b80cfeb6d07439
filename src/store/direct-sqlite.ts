import type { CompiledQuery, QueryResult, SqliteDatabase } from 'kysely';
import { BARRIER, commitToAwait, tagged } from './durable-sqlite-dialect.js';
import type { GroupCommit } from './group-commit.js';
import type { TableWrites } from './table-writes.js';

/** A SQLite database as the direct path sees it: kysely's shape, and whether a transaction is open. */
export type DirectDatabase = SqliteDatabase & { readonly inTransaction?: boolean | undefined };

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

  run<R>(query: CompiledQuery, inCallersTransaction: boolean): Promise<QueryResult<R>> | undefined {
    const open = this.database.inTransaction;
    // An engine that cannot say whether a transaction is open is never run directly.
    if (open === undefined || open !== inCallersTransaction) return undefined;
    // A barrier inside a transaction is the driver's to carry to the release: leave it to kysely.
    if (inCallersTransaction && tagged(query, BARRIER)) return undefined;
    let result: QueryResult<R>;
    try {
      result = this.#execute<R>(query);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    this.writes.note(query, result);
    if (inCallersTransaction || this.commits === undefined) return Promise.resolve(result);
    const pending = commitToAwait(this.commits, query, result, false);
    return pending === 0 ? Promise.resolve(result) : this.commits.durable(pending).then(() => result);
  }

  /** As kysely's SqliteConnection.executeQuery, synchronously. */
  #execute<R>(query: CompiledQuery): QueryResult<R> {
    const statement = this.database.prepare(query.sql);
    if (statement.reader) return { rows: statement.all(query.parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(query.parameters);
    return {
      numAffectedRows: changes === undefined || changes === null ? undefined : BigInt(changes),
      insertId: lastInsertRowid === undefined || lastInsertRowid === null ? undefined : BigInt(lastInsertRowid),
      rows: [],
    };
  }
}
