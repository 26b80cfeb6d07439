import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../../src/store/schema.js';
import { openSqliteDatabase } from '../../src/store/sqlite-driver.js';

/**
 * A `:memory:` SQLite database behind a plain kysely dialect whose prepare hands `record` each
 * SQL text it is asked for (the store's statement texts, as the driver sees them). `prepare` is
 * the unwrapped one, for statements of the test's own (EXPLAIN QUERY PLAN).
 */
export function recordingSqlite(record: (text: string) => void) {
  const database = openSqliteDatabase(':memory:');
  const prepare = database.prepare.bind(database);
  database.prepare = (text: string) => {
    record(text);
    return prepare(text);
  };
  return { database, prepare, db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }) };
}

/** Transaction control and pragmas have no plan worth reading. */
const NO_PLAN = /^\s*(begin|commit|rollback|savepoint|release|pragma)\b/i;

/** Whether `text` is a statement whose plan says how it reaches its rows. */
export const hasPlan = (text: string): boolean => !NO_PLAN.test(text);

/**
 * The tables `text`'s plan passes over whole (its SCAN lines), with the plan line. A constant row
 * and a multi-row VALUES list are not tables. Each `?` is bound null: the plan does not need values.
 */
export function scansOf(
  prepare: (text: string) => { all(parameters: readonly unknown[]): unknown[] },
  text: string,
): Array<{ table: string; detail: string }> {
  const parameters = (text.match(/\?/g) ?? []).map(() => null);
  const plan = prepare(`explain query plan ${text}`).all(parameters) as Array<{ detail: string }>;
  return plan.flatMap(({ detail }) => {
    const table = /^SCAN (?!CONSTANT ROW|\d+-ROW VALUES CLAUSE)(\S+)/.exec(detail)?.[1];
    return table === undefined ? [] : [{ table, detail }];
  });
}
