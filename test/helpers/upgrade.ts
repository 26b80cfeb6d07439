import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { Migrator, type Kysely, type Migration } from 'kysely';
import type { MigrationMap } from '../../src/store/migrations/index.js';
import { openStore, type SqlStore } from '../../src/store/index.js';
import { openPostgres } from '../../src/store/postgres.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { createTestSchema, SKIP_POSTGRES } from './postgres.js';

/**
 * Applies `migrations` as an older release did, under the store's bookkeeping table names.
 * `schema`: Postgres's, else kysely may take another schema's lock table for this one's.
 */
export async function migrateAsRelease(
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
  schema?: string,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: 'bulwark_migration',
    migrationLockTableName: 'bulwark_migration_lock',
    migrationTableSchema: schema,
    allowUnorderedMigrations: true,
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
}

/** Builds an older release's database (`makeOld`, given the Postgres schema when there is one). */
export type MakeOldStore = (db: Kysely<unknown>, schema?: string) => Promise<void>;

/**
 * An older release's store, made by `makeOld` on a fresh SQLite data dir or Postgres schema,
 * then opened (so migrated) by this release with `migrations` beside the core ones, handed to
 * `check`, and removed.
 */
export async function checkUpgrade(
  kind: 'sqlite' | 'postgres',
  makeOld: MakeOldStore,
  check: (store: SqlStore) => Promise<void>,
  migrations?: MigrationMap,
): Promise<void> {
  let store: SqlStore;
  let remove: () => Promise<void>;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-upgrade-'));
    remove = () => Promise.resolve(rmSync(dir, { recursive: true, force: true }));
    const old = openSqlite(join(dir, 'bulwark.db'));
    await makeOld(old as Kysely<unknown>);
    await old.destroy();
    store = await openStore({ dataDir: dir, migrations });
  } else {
    const schema = await createTestSchema('bulwark_upgrade');
    remove = schema.drop;
    const old = openPostgres(schema.url);
    await makeOld(old as Kysely<unknown>, schema.schema);
    await old.destroy();
    store = await openStore({ databaseUrl: schema.url, dataDir: '/nonexistent', migrations });
  }
  try {
    await check(store);
  } finally {
    await store.close();
    await remove();
  }
}

/** The same upgrade check as two tests, `SQLite: <what>` and `Postgres: <what>`. */
export function itUpgradesOnBoth(
  what: string,
  makeOld: MakeOldStore,
  check: (store: SqlStore) => Promise<void>,
  migrations?: MigrationMap,
): void {
  it(`SQLite: ${what}`, () => checkUpgrade('sqlite', makeOld, check, migrations));
  it(`Postgres: ${what}`, { skip: SKIP_POSTGRES }, () => checkUpgrade('postgres', makeOld, check, migrations));
}
