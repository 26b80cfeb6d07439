import { integer, type Env } from './parsers.js';

/** How long one database call may take before the request answers 503 (see docs/contract.md §12.1). */
export interface DatabaseDeadlines {
  /** Opening a connection, and waiting for a free one from the pool (Postgres). */
  connectTimeoutMs: number;
  /** One statement: Postgres statement_timeout (the server cancels it) and, a second later, the
   *  client's own timer (a server that does not answer at all: its connection is dropped);
   *  SQLite's busy_timeout (waiting for another process's write lock) and a write's wait for the
   *  WAL flush that makes it durable (a disk that does not answer). */
  statementTimeoutMs: number;
}

export const DATABASE_DEADLINE_DEFAULTS: DatabaseDeadlines = { connectTimeoutMs: 3_000, statementTimeoutMs: 5_000 };

export function databaseDeadlines(env: Env): DatabaseDeadlines {
  return {
    connectTimeoutMs: integer(
      env,
      'BULWARK_DB_CONNECT_TIMEOUT_MS',
      DATABASE_DEADLINE_DEFAULTS.connectTimeoutMs,
      100,
      60_000,
    ),
    statementTimeoutMs: integer(
      env,
      'BULWARK_DB_STATEMENT_TIMEOUT_MS',
      DATABASE_DEADLINE_DEFAULTS.statementTimeoutMs,
      100,
      60_000,
    ),
  };
}
