import { SqliteDialect, type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, type SqliteDialectConfig, type TransactionSettings } from 'kysely';
import type { GroupCommit } from './group-commit.js';

/** Statements that never change the database; anything else counts as a write (a flush too many is harmless). */
const READ_ONLY_RAW = /^\s*(select|pragma|explain)\b/i;

function isWrite(query: CompiledQuery): boolean {
  const kind = query.query.kind;
  if (kind === 'SelectQueryNode') return false;
  return kind !== 'RawNode' || !READ_ONLY_RAW.test(query.sql);
}

/**
 * kysely's SqliteDialect whose writes return only once durable (src/store/group-commit.ts): a
 * write outside a transaction, and every COMMIT, is numbered as it returns; the connection is
 * released (the next query may run) and then the caller waits for the group flush that covers
 * it. So a write's promise resolves exactly when synchronous=FULL's would have, without the
 * event loop waiting for the disk, and writes that arrive together share one flush.
 */
export class DurableSqliteDialect extends SqliteDialect {
  constructor(config: SqliteDialectConfig, private readonly commits: GroupCommit, private readonly onDestroy: () => Promise<void>) {
    super(config);
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

  constructor(private readonly inner: Driver, private readonly commits: GroupCommit, private readonly onDestroy: () => Promise<void>) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    this.#connection = connection;
    return {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        const result = await connection.executeQuery<R>(query);
        if (!this.#inTransaction && isWrite(query)) this.#pending = this.commits.committed();
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

  async savepoint(_connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['savepoint']>>[2]): Promise<void> {
    await this.inner.savepoint?.(this.#held(), name, compile);
  }

  async rollbackToSavepoint(_connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['rollbackToSavepoint']>>[2]): Promise<void> {
    await this.inner.rollbackToSavepoint?.(this.#held(), name, compile);
  }

  async releaseSavepoint(_connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['releaseSavepoint']>>[2]): Promise<void> {
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
