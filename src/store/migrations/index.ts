import { Migrator, sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { authCore } from './0001_auth_core.js';
import { oauthClients } from './0004_oauth_clients.js';
import { mfa } from './0005_mfa.js';
import { securityEvents } from './0006_security_events.js';
import { dpop } from './0008_dpop.js';
import { operations } from './0009_operations.js';
import { passkeys } from './0011_passkeys.js';
import { accounts } from './0010_accounts.js';
import { registry } from './0012_registry.js';
import { employeeLink } from './0013_employee_link.js';
import { eventLogOrder } from './0014_event_log_order.js';
import { listOrder } from './0015_list_order.js';
import { sessionRetention } from './0016_session_retention.js';
import { refreshChainOrder } from './0017_refresh_chain_order.js';

/**
 * Migrations live in code (not a folder scan) so they run the same from src/ under tsx and from
 * the compiled dist/. Kysely applies them in name order and refuses to run a new migration whose
 * name sorts before one already applied, so names are `NNNN_topic` with the next free number.
 *
 * How another module adds its tables: it exports its own map, e.g.
 *   export const payrollMigrations: MigrationMap = { '0002_payroll': { up, down } };
 * and passes it to `openStore({ ..., migrations: payrollMigrations })`. The store merges it with
 * the core map below (a name clash is an error) and runs everything at open. There is no global
 * registry to mutate, so the set of tables a process expects is visible at the one call site.
 * Numbers are shared by all modules: take the next free one across the whole map.
 *
 * A process that knows fewer migrations than the database has applied (the token service run
 * alone against a database the full app migrated, or an older release after an upgrade) still
 * opens it: applied names it does not know are treated as done. Kysely would otherwise refuse.
 */
export type MigrationMap = Readonly<Record<string, Migration>>;

export const coreMigrations: MigrationMap = {
  '0001_auth_core': authCore,
  '0004_oauth_clients': oauthClients,
  '0005_mfa': mfa,
  '0006_security_events': securityEvents,
  '0008_dpop': dpop,
  '0009_operations': operations,
  '0011_passkeys': passkeys,
  '0010_accounts': accounts,
  '0012_registry': registry,
  '0013_employee_link': employeeLink,
  '0014_event_log_order': eventLogOrder,
  '0015_list_order': listOrder,
  '0016_session_retention': sessionRetention,
  '0017_refresh_chain_order': refreshChainOrder,
};

const NAME = /^\d{4}_[a-z0-9_]+$/;

export function combineMigrations(extra: MigrationMap = {}): Record<string, Migration> {
  const all: Record<string, Migration> = { ...coreMigrations };
  for (const [name, migration] of Object.entries(extra)) {
    if (!NAME.test(name)) throw new Error(`migration name "${name}" is not of the form NNNN_topic`);
    if (name in all) throw new Error(`migration "${name}" is defined twice`);
    all[name] = migration;
  }
  return all;
}

const TABLE = 'bulwark_migration';

async function appliedNames<DB>(db: Kysely<DB>, schema: string | undefined): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  const exists = tables.some((t) => t.name === TABLE && (schema === undefined || t.schema === schema));
  if (!exists) return [];
  const table = sql.table(schema === undefined ? TABLE : `${schema}.${TABLE}`);
  const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(db);
  return rows.map((r) => r.name);
}

const alreadyApplied: Migration = {
  up: () => Promise.reject(new Error('an applied migration unknown to this release cannot run')),
};

export interface MigrateOptions {
  extra?: MigrationMap | undefined;
  /** Postgres: the schema that holds the migration bookkeeping tables (the current schema). */
  schema?: string | undefined;
}

/** Brings the database to the latest migration; throws one Error naming what failed. */
export async function migrateToLatest<DB>(db: Kysely<DB>, options: MigrateOptions = {}): Promise<void> {
  const known = combineMigrations(options.extra);
  const migrations: Record<string, Migration> = {};
  for (const name of await appliedNames(db, options.schema)) migrations[name] = alreadyApplied;
  Object.assign(migrations, known);
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: TABLE,
    migrationLockTableName: 'bulwark_migration_lock',
    // Without it kysely looks for its table in every schema and may find another schema's.
    migrationTableSchema: options.schema,
    // Modules (core, payroll) number their migrations independently and none depends on
    // another's: a store migrated without a module's map (a CLI, a test) must still take that
    // module's earlier-numbered migrations later.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const failed = results?.find((r) => r.status === 'Error')?.migrationName;
  const reason = error instanceof Error ? error.message : String(error);
  throw new Error(`database migration ${failed === undefined ? '' : `"${failed}" `}failed: ${reason}`, {
    cause: error,
  });
}
