import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The test Postgres (CI sets it); undefined when Postgres suites are off. */
export const TEST_DATABASE_URL =
  process.env.BULWARK_TEST_DATABASE_URL === '' ? undefined : process.env.BULWARK_TEST_DATABASE_URL;

/** `describe(..., { skip })`: false when a test Postgres is configured, the reason otherwise. */
export const SKIP_POSTGRES: string | false =
  TEST_DATABASE_URL === undefined ? 'BULWARK_TEST_DATABASE_URL not set (real-Postgres suites)' : false;

/** Runs one statement on the test database with a short-lived connection. */
export async function adminQuery(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/**
 * A schema of its own in the test database, selected through the connection's search_path, so
 * suites (and the processes they start) share one Postgres without seeing each other's tables.
 */
export async function createTestSchema(
  prefix: string,
): Promise<{ schema: string; url: string; drop(): Promise<void> }> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create schema ${schema}`);
  return { schema, url: schemaUrl(schema), drop: () => adminQuery(`drop schema if exists ${schema} cascade`) };
}

export function schemaUrl(schema: string): string {
  const url = new URL(TEST_DATABASE_URL ?? '');
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}
