import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kysely, Migration } from 'kysely';
import { BULWARK_API, BULWARK_PERMISSIONS, type BulwarkPermission } from '@bulwark/contract/registry';
import { RegistryGrantSource } from '../../src/auth/registry/grant-source.js';
import { RegistryCache } from '../../src/auth/registry/registry-cache.js';
import { holdsPermission } from '../../src/auth/registry/require-permission.js';
import { ROLE_SCOPES } from '../../src/auth/tokens/scopes.js';
import { payrollMigrations } from '../../src/payroll/index.js';
import { coreMigrations } from '../../src/store/migrations/index.js';
import type { SqlStore } from '../../src/store/index.js';
import { SKIP_POSTGRES } from '../helpers/postgres.js';
import { checkUpgrade, migrateAsRelease, type MakeOldStore } from '../helpers/upgrade.js';

/** The releases an upgrade starts from: before 0012_registry, and with it but before 0013_employee_link. */
const RELEASES = {
  'before 0012_registry': ['0012_registry', '0013_employee_link'],
  'with 0012_registry, before 0013_employee_link': ['0013_employee_link'],
} as const;
type Release = keyof typeof RELEASES;

/** What that release applied: every migration but those it did not have. */
function migrationsOf(release: Release): Record<string, Migration> {
  const all: Record<string, Migration> = { ...coreMigrations, ...payrollMigrations };
  for (const name of RELEASES[release]) delete all[name];
  return all;
}

async function migrateAs(release: Release, db: Kysely<unknown>, schema?: string): Promise<void> {
  await migrateAsRelease(db, migrationsOf(release), schema);
}

const T = Date.UTC(2026, 0, 1);

/**
 * Rows as the old release wrote them: users with a role column and an employee_id column, an
 * invitation linked to an employee record, clients with scopes and audiences.
 */
async function seedLegacy(db: Kysely<unknown>): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the old schema, untyped
  const old = db as Kysely<any>;
  for (const [id, role, employeeId] of [
    ['u-admin', 'admin', null],
    ['u-clerk', 'clerk', null],
    ['u-employee', 'employee', 'e-7'],
  ])
    await old
      .insertInto('users')
      .values({
        id,
        username: id,
        password_hash: 'x',
        role,
        employee_id: employeeId,
        disabled: 0,
        created_at: T,
        updated_at: T,
        password_changed_at: T,
        must_change_password: 0,
      })
      .execute();
  const client = (id: string, scopes: string, audiences: string[]) => ({
    id,
    name: id,
    auth_method: 'client_secret',
    secret_hash: 'h',
    jwks: null,
    jwks_uri: null,
    scopes,
    audiences: JSON.stringify(audiences),
    introspection: 0,
    disabled: 0,
    created_at: T,
    updated_at: T,
    secret_issued_at: T,
  });
  await old
    .insertInto('invitations')
    .values({
      id: 'i-linked',
      email: 'new@example.test',
      roles: 'employee',
      invited_by: 'u-admin',
      employee_id: 'e-8',
      created_at: T,
      expires_at: T + 86_400_000,
      accepted_at: null,
      user_id: null,
    })
    .execute();
  await old
    .insertInto('oauth_clients')
    .values([
      client('c-feed', 'payroll:read ssf:poll', ['payroll']),
      client('c-inventory', 'inventory:read inventory:write', ['https://inventory.example', 'payroll']),
    ])
    .execute();
}

async function assertEverythingKept(store: SqlStore): Promise<void> {
  const cache = new RegistryCache(store.registry);
  const grants = new RegistryGrantSource(cache, store, 'payroll');
  for (const [id, role] of [
    ['u-admin', 'admin'],
    ['u-clerk', 'clerk'],
    ['u-employee', 'employee'],
  ] as const) {
    const grant = await grants.userGrant(id, 'payroll');
    assert.deepEqual(
      grant?.permissions,
      [...ROLE_SCOPES[role]],
      `${role} keeps exactly its scopes, in the order its tokens always listed them`,
    );
    assert.deepEqual(grant?.roles, [role]);
    const deps = { cache, store, defaultApi: 'payroll' };
    for (const permission of Object.keys(BULWARK_PERMISSIONS) as BulwarkPermission[]) {
      const held = await holdsPermission(deps, { sub: id, aud: 'payroll' }, permission);
      assert.equal(held, role === 'admin' && permission !== 'ssf:poll', `${role} ${permission}`);
    }
  }
  assert.deepEqual((await grants.clientGrant('c-feed', 'payroll'))?.permissions, ['payroll:read']);
  assert.deepEqual((await grants.clientGrant('c-feed', BULWARK_API))?.permissions, ['ssf:poll']);
  assert.deepEqual((await grants.clientGrant('c-inventory', 'https://inventory.example'))?.permissions, [
    'inventory:read',
    'inventory:write',
  ]);
  assert.deepEqual((await grants.clientGrant('c-inventory', 'payroll'))?.permissions, [
    'inventory:read',
    'inventory:write',
  ]);
  assert.deepEqual((await grants.clientGrant('c-inventory', BULWARK_API))?.permissions, []);
  const user = await store.users.findById('u-clerk');
  assert.equal(user?.role, 'clerk');
  assert.deepEqual(user?.attributes, {});

  // The employee link is payroll's attribute now, carried because the payroll API lists it.
  assert.deepEqual((await store.users.findById('u-employee'))?.attributes, { employee_id: 'e-7' });
  assert.deepEqual((await store.accounts.findInvitation('i-linked'))?.attributes, { employee_id: 'e-8' });
  assert.deepEqual((await cache.reload()).apiByIdentifier('payroll')?.claims, ['employee_id']);
  // The column follows the attribute, for an older release still running beside this one.
  await store.users.update('u-employee', { attributes: { employee_id: 'e-9' }, updatedAt: T + 1 });
  assert.equal(await employeeColumn(store, 'u-employee'), 'e-9');
  await store.users.update('u-employee', { attributes: {}, updatedAt: T + 2 });
  assert.equal(await employeeColumn(store, 'u-employee'), null);

  // An instance of the older release, still running during the roll, creates a user the old way:
  // a new instance's start-up gives them their role.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the old release's insert, untyped
  await (store.db as Kysely<any>)
    .insertInto('users')
    .values({
      id: 'u-late',
      username: 'u-late',
      password_hash: 'x',
      role: 'employee',
      employee_id: 'e-late',
      disabled: 0,
      created_at: T,
      updated_at: T,
      password_changed_at: T,
      must_change_password: 0,
    })
    .execute();
  assert.equal(await store.registry.adoptLegacyUsers(), 1);
  assert.deepEqual((await store.users.findById('u-late'))?.attributes, { employee_id: 'e-late' });
  assert.equal(await store.registry.adoptLegacyUsers(), 0);
  assert.deepEqual((await grants.userGrant('u-late', 'payroll'))?.roles, ['employee']);
}

/**
 * A store as that release left it: the rows written before 0012 (whose migration moved them into
 * the registry), then the release's own migrations applied.
 */
async function makeStoreOf(release: Release, db: Kysely<unknown>, schema?: string): Promise<void> {
  await migrateAs('before 0012_registry', db, schema);
  await seedLegacy(db);
  await migrateAs(release, db, schema);
}

async function employeeColumn(store: SqlStore, id: string): Promise<string | null | undefined> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mirror column no type of this release reads
  const row = await (store.db as Kysely<any>)
    .selectFrom('users')
    .select('employee_id')
    .where('id', '=', id)
    .executeTakeFirst();
  return (row as { employee_id: string | null } | undefined)?.employee_id;
}

for (const release of Object.keys(RELEASES) as Release[])
  describe(`upgrade of a store migrated by the release ${release}`, () => {
    const makeOld: MakeOldStore = (db, schema) => makeStoreOf(release, db, schema);

    it('SQLite data dir: every user and client keeps exactly what it could do', () =>
      checkUpgrade('sqlite', makeOld, assertEverythingKept, payrollMigrations));

    it('Postgres schema: every user and client keeps exactly what it could do', { skip: SKIP_POSTGRES }, () =>
      checkUpgrade('postgres', makeOld, assertEverythingKept, payrollMigrations),
    );
  });
