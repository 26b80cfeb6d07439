import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type SqliteDialectConfig,
  type TransactionSettings,
  type UnknownRow,
} from 'kysely';
import type { GroupCommit } from './group-commit.js';
import { KeepCauseSqliteDialect } from './keep-cause-dialect.js';
import { READ_ONLY_RAW, type TableWrites } from './table-writes.js';

const DEFERRED = Symbol('bulwark.deferredDurability');

/**
 * `db.withPlugin(DEFER_DURABILITY)`: the write's caller does not wait for its flush. Only for a
 * write whose caller always makes another, waited-for write before anything depends on it being
 * on disk (an idempotency claim before its transaction): the WAL is flushed in commit order, so
 * the later write's flush covers it. Without the group-commit dialect (Postgres) it does nothing.
 */
export const DEFER_DURABILITY: KyselyPlugin = {
  transformQuery: (args: PluginTransformQueryArgs): RootOperationNode =>
    Object.freeze({ ...args.node, [DEFERRED]: true }),
  transformResult: (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => Promise.resolve(args.result),
};

/** The tag of READ_DURABLE. */
export const BARRIER = Symbol('bulwark.durabilityBarrier');

/**
 * `db.withPlugin(READ_DURABLE)`: a read that returns only once every commit made before it is on
 * disk. For a read whose answer repeats a write's outcome to a client (an idempotent replay): a
 * commit is visible to reads before its flush, and what is answered must be durable.
 */
export const READ_DURABLE: KyselyPlugin = {
  transformQuery: (args: PluginTransformQueryArgs): RootOperationNode =>
    Object.freeze({ ...args.node, [BARRIER]: true }),
  transformResult: (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => Promise.resolve(args.result),
};

/** A write that committed something: a statement that changed no row (a DELETE of nothing) did not. */
function committedSomething(query: CompiledQuery, result: QueryResult<unknown>): boolean {
  return isWrite(query) && result.numAffectedRows !== 0n;
}

export const tagged = (query: CompiledQuery, tag: symbol): boolean =>
  (query.query as unknown as Record<symbol, boolean | undefined>)[tag] === true;

/** Anything but a read counts as a write (a flush too many is harmless). */
function isWrite(query: CompiledQuery): boolean {
  const kind = query.query.kind;
  if (kind === 'SelectQueryNode') return false;
  return kind !== 'RawNode' || !READ_ONLY_RAW.test(query.sql);
}

/**
 * The commit a statement's caller must see flushed before going on (0 for none): a write outside
 * a transaction is numbered either way (a later barrier covers it), and waited for unless
 * deferred; a barrier waits for every commit so far. Shared by DurableDriver and DirectSqlite.
 */
export function commitToAwait(
  commits: GroupCommit,
  query: CompiledQuery,
  result: QueryResult<unknown>,
  inTransaction: boolean,
): number {
  if (!inTransaction && committedSomething(query, result)) {
    const n = commits.committed();
    return tagged(query, DEFERRED) ? 0 : n;
  }
  return tagged(query, BARRIER) ? commits.latest : 0;
}

/**
 * kysely's SqliteDialect whose writes return only once durable (src/store/group-commit.ts): a
 * write outside a transaction, and every COMMIT, is numbered as it returns; the connection is
 * released (the next query may run) and then the caller waits for the group flush that covers
 * it. So a write's promise resolves exactly when synchronous=FULL's would have, without the
 * event loop waiting for the disk, and writes that arrive together share one flush. (Its driver
 * wraps KeepCauseSqliteDialect's, so a ROLLBACK after SQLite's own keeps the statement's error.)
 */
export class DurableSqliteDialect extends KeepCauseSqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly commits: GroupCommit,
    private readonly onDestroy: () => Promise<void>,
    writes?: TableWrites,
  ) {
    super(config, writes);
  }

  override createDriver(): Driver {
    return new DurableDriver(super.createDriver(), this.commits, this.onDestroy);
  }
}

/** SQLite has one connection (kysely's mutex), so the driver keeps the write state of the current holder. */
class DurableDriver implements Driver {
  #inTransaction = false;
  /** The number of the holder's last commit, 0 for none. */
  #pending = 0;
  #connection: DatabaseConnection | undefined;

  constructor(
    private readonly inner: Driver,
    private readonly commits: GroupCommit,
    private readonly onDestroy: () => Promise<void>,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    this.#connection = connection;
    return {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        const result = await connection.executeQuery<R>(query);
        this.#pending = Math.max(this.#pending, commitToAwait(this.commits, query, result, this.#inTransaction));
        return result;
      },
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => connection.streamQuery<R>(query, chunkSize),
    };
  }

  async beginTransaction(_connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await this.inner.beginTransaction(this.#held(), settings);
    this.#inTransaction = true;
  }

  async commitTransaction(): Promise<void> {
    await this.inner.commitTransaction(this.#held());
    this.#inTransaction = false;
    this.#pending = this.commits.committed();
  }

  async rollbackTransaction(): Promise<void> {
    this.#inTransaction = false;
    await this.inner.rollbackTransaction(this.#held());
  }

  async savepoint(
    _connection: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['savepoint']>>[2],
  ): Promise<void> {
    await this.inner.savepoint?.(this.#held(), name, compile);
  }

  async rollbackToSavepoint(
    _connection: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['rollbackToSavepoint']>>[2],
  ): Promise<void> {
    await this.inner.rollbackToSavepoint?.(this.#held(), name, compile);
  }

  async releaseSavepoint(
    _connection: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['releaseSavepoint']>>[2],
  ): Promise<void> {
    await this.inner.releaseSavepoint?.(this.#held(), name, compile);
  }

  async releaseConnection(): Promise<void> {
    const pending = this.#pending;
    const connection = this.#held();
    this.#pending = 0;
    this.#inTransaction = false;
    this.#connection = undefined;
    await this.inner.releaseConnection(connection);
    // After the release: the next transaction commits while this one waits for its flush.
    if (pending > 0) await this.commits.durable(pending);
  }

  async destroy(): Promise<void> {
    await this.inner.destroy();
    await this.onDestroy();
  }

  #held(): DatabaseConnection {
    if (this.#connection === undefined) throw new Error('sqlite: no connection held');
    return this.#connection;
  }
}
