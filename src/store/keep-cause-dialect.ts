import {
  SqliteDialect,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import type { TableWrites } from './table-writes.js';

const wrapped = new WeakSet<DatabaseConnection>();

/**
 * SQLite rolls a transaction back itself on some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM):
 * kysely's ROLLBACK then fails with "cannot rollback - no transaction is active", and that error
 * replaced the real one (a full disk answered 500 instead of 503). Here that ROLLBACK is a no-op
 * and the statement's own error is what the caller sees. Given `writes`, every statement that
 * ran is reported to it, for the caches that keep rows while their tables are unchanged.
 */
export class KeepCauseSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    /** Told of every statement that ran (the tables it may have written: src/store/table-writes.ts). */
    private readonly writes?: TableWrites,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const writes = this.writes;
    if (writes !== undefined) {
      const acquire = driver.acquireConnection.bind(driver);
      driver.acquireConnection = async (): Promise<DatabaseConnection> => {
        const connection = await acquire();
        // One object per connection (SQLite has one): wrapped once.
        if (!wrapped.has(connection)) {
          const execute = connection.executeQuery.bind(connection);
          connection.executeQuery = async <R>(query: CompiledQuery) => {
            const result = await execute<R>(query);
            writes.note(query, result);
            return result;
          };
          wrapped.add(connection);
        }
        return connection;
      };
    }
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
