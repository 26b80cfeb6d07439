import pg from 'pg';
import { Kysely, sql } from 'kysely';
import type { DatabaseDeadlines } from '../config/index.js';
import type { Database } from './schema.js';
import { migrateToLatest } from './migrations/index.js';
import { CurrentSchemaPostgresDialect } from './postgres-introspector.js';
import type { MigrationMap } from './migrations/index.js';

const INT8_OID = 20;
/** Arbitrary, fixed: "Bulw" in ASCII. Every Bulwark instance on a database shares it. */
export const MIGRATION_LOCK = 0x42756c77;

/** How far past statement_timeout the client's own timer fires: a live server cancels first
 *  (a clean 57014, the connection kept); the timer is for a server that does not answer at all. */
export const CLIENT_DEADLINE_MARGIN_MS = 1_000;

/**
 * A pool whose int8 columns (bigint times, count(*)) come back as numbers, not strings. With
 * `deadlines`, no call waits longer than them: a connection (or a free pooled one) within
 * connectTimeoutMs, a statement within statementTimeoutMs (see DeadlineClient). Without (the
 * migrations' own pool), statements may take as long as they need.
 */
export function openPostgres(url: string, deadlines?: DatabaseDeadlines): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary'
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format),
    },
    ...(deadlines === undefined
      ? {}
      : {
          connectionTimeoutMillis: deadlines.connectTimeoutMs,
          // Sent as a startup parameter: the server cancels a longer statement (lock waits included).
          statement_timeout: deadlines.statementTimeoutMs,
          keepAlive: true,
          Client: deadlineClient(deadlines.statementTimeoutMs + CLIENT_DEADLINE_MARGIN_MS),
        }),
  });
  // A client losing its server emits 'error', which would otherwise crash the process: on the
  // pool for an idle client (the pool drops it), on the client itself when it is checked out
  // between two queries (a transaction's): its next query then fails, and the caller answers 503.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
}

/** The error of a statement the server did not answer in time (mapped to 503 like ETIMEDOUT). */
export function statementDeadlineError(): Error {
  return Object.assign(new Error('database statement deadline exceeded'), { code: 'ETIMEDOUT' });
}

/**
 * pg's own query_timeout rejects the query but keeps the connection, with the statement still
 * queued on it: the next query on that connection waits behind it, and a stopped server that
 * wakes up later would still run it. So past the deadline this client destroys its socket: the
 * pool drops the connection (not queryable), and the server aborts whatever transaction was open
 * on it when it reads the end of the stream.
 */
function deadlineClient(deadlineMs: number): typeof pg.Client {
  return class DeadlineClient extends pg.Client {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's query() has a dozen overloads; this only wraps the promise one.
    override query(...args: any[]): any {
      const result = (super.query as (...a: unknown[]) => unknown)(...args);
      if (!(result instanceof Promise)) return result;
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
          reject(statementDeadlineError());
        }, deadlineMs);
      });
      result.catch(() => undefined);
      return Promise.race([result, expired]).finally(() => clearTimeout(timer));
    }
  };
}

/**
 * Migrates under a session advisory lock held on one dedicated connection, so instances that
 * start together run the migrations one after the other (kysely's own lock is taken only after
 * it has created its bookkeeping tables, which can race). The migration tables are pinned to the
 * current schema: kysely otherwise finds a same-named table in any schema and trusts it.
 */
export async function migratePostgres(db: Kysely<Database>, extra?: MigrationMap): Promise<void> {
  await db.connection().execute(async (conn) => {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(conn);
    const schema = rows[0]?.schema ?? null;
    if (schema === null) {
      throw new Error('database migration failed: no schema on the search_path exists');
    }
    await sql`select pg_advisory_lock(${sql.lit(MIGRATION_LOCK)})`.execute(conn);
    try {
      await migrateToLatest(conn, { extra, schema });
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK)})`.execute(conn);
    }
  });
}
