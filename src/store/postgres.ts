import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Database } from './schema.js';
import { migrateToLatest } from './migrations/index.js';
import type { MigrationMap } from './migrations/index.js';

const INT8_OID = 20;
/** Arbitrary, fixed: "Bulw" in ASCII. Every Bulwark instance on a database shares it. */
export const MIGRATION_LOCK = 0x42756c77;

/** A pool whose int8 columns (bigint times, count(*)) come back as numbers, not strings. */
export function openPostgres(url: string): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary'
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format),
    },
  });
  // A client losing its server emits 'error', which would otherwise crash the process: on the
  // pool for an idle client (the pool drops it), on the client itself when it is checked out
  // between two queries (a transaction's): its next query then fails, and the caller answers 503.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Migrates under a session advisory lock held on one dedicated connection, so instances that
 * start together run the migrations one after the other (kysely's own lock is taken only after
 * it has created its bookkeeping tables, which can race). The migration tables are pinned to the
 * current schema: kysely otherwise finds a same-named table in any schema and trusts it.
 */
export async function migratePostgres(db: Kysely<Database>, extra?: MigrationMap): Promise<void> {
  await db.connection().execute(async (conn) => {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
      conn,
    );
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
