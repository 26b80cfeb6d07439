import { SqliteDialect, type DatabaseConnection, type Driver } from 'kysely';

/**
 * SQLite rolls a transaction back itself on some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM):
 * kysely's ROLLBACK then fails with "cannot rollback - no transaction is active", and that error
 * replaced the real one (a full disk answered 500 instead of 503). Here that ROLLBACK is a no-op
 * and the statement's own error is what the caller sees.
 */
export class KeepCauseSqliteDialect extends SqliteDialect {
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
