import { sql, type Kysely, type Migration } from 'kysely';
import { legacyRoleId } from '../legacy-roles.js';

/**
 * APIs, permissions and roles as data (issue #18). Creates the registry's tables and moves today's
 * fixed model into them so that every user and client keeps exactly what it could do:
 * - Bulwark's own API (`urn:bulwark:api`) with its admin permissions;
 * - the default API (the legacy audience of every user token) with the scopes the legacy roles
 *   carried (`profile`, `payroll:read`, `payroll:write`, `payroll:read:self` and the admin
 *   tokens' `admin`). Its identifier is the legacy audience: a client's audience that is not a URI
 *   can only have been BULWARK_AUDIENCE (client registration allowed nothing else), so it is that;
 *   with no such client it is `payroll`, and start-up re-keys it to BULWARK_AUDIENCE when that
 *   differs (src/auth/registry/registry-service.ts);
 * - the roles admin, clerk and employee with exactly the scopes of ROLE_SCOPES at the time of the
 *   upgrade, admin also every permission of Bulwark's API; each user holds their `users.role`;
 * - for each client audience an API (created for it if missing, with the client's scopes as its
 *   permissions), and each client granted each of its scopes at each of its audiences, `ssf:poll`
 *   at Bulwark's API.
 * The values are written out here, not imported: a migration describes one moment and must not
 * change when the code's constants do.
 */

const BULWARK_API_ID = 'api_bulwark';
const DEFAULT_API_ID = 'api_default';
const SSF_POLL = 'ssf:poll';

const BULWARK_PERMISSIONS: ReadonlyArray<readonly [string, string]> = [
  ['users:read', 'List and read users, their roles, sessions and passkeys'],
  ['users:write', 'Create and change users, their roles and attributes; unlock them, reset their passwords'],
  ['roles:read', 'List and read roles'],
  ['roles:write', 'Create, change and delete roles'],
  ['apis:read', 'List and read registered APIs'],
  ['apis:write', 'Register, change and delete APIs'],
  ['clients:read', 'List and read OAuth clients'],
  ['clients:write', 'Create and change OAuth clients, rotate their secrets'],
  ['keys:read', 'List signing keys'],
  ['keys:write', 'Rotate and remove signing keys'],
  ['sessions:read', "List users' sessions"],
  ['sessions:write', "End users' sessions"],
  ['audit:read', 'Read the audit log'],
  [SSF_POLL, 'Read the security event feed (machine clients)'],
];

const DEFAULT_PERMISSIONS: ReadonlyArray<readonly [string, string]> = [
  ['profile', 'Read the own profile'],
  ['payroll:read', 'Read employees and payments'],
  ['payroll:write', 'Create and change employees and payments'],
  ['payroll:read:self', 'Read the own employee record and payments'],
  ['admin', 'The scope admin tokens carried before roles were data'],
];

/** ROLE_SCOPES (src/auth/tokens/scopes.ts) as it was when this migration was written. */
const LEGACY_ROLES: ReadonlyArray<{ name: string; description: string; scopes: readonly string[] }> = [
  {
    name: 'admin',
    description: 'Administers Bulwark and runs payroll',
    scopes: ['profile', 'payroll:read', 'payroll:write', 'admin'],
  },
  { name: 'clerk', description: 'Reads payroll', scopes: ['profile', 'payroll:read'] },
  { name: 'employee', description: 'Reads their own payroll record', scopes: ['profile', 'payroll:read:self'] },
];

function isUri(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

interface ClientRow {
  id: string;
  scopes: string;
  audiences: string;
}

export const registry: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('apis')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('identifier', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('access_token_ttl', 'integer')
      // JSON array text of attribute names.
      .addColumn('claims', 'text', (c) => c.notNull().defaultTo('[]'))
      // 'bulwark' (Bulwark's own), 'default' (the legacy audience), null: an ordinary API.
      .addColumn('built_in', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('api_permissions')
      .addColumn('api_id', 'text', (c) => c.notNull().references('apis.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      // The order the admin gave them in.
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('api_permissions_pkey', ['api_id', 'name'])
      .execute();
    await db.schema
      .createTable('roles')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('built_in', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('role_permissions')
      .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id').onDelete('cascade'))
      // No cascade: an API that a role still references cannot be deleted (checked first, 409).
      .addColumn('api_id', 'text', (c) => c.notNull().references('apis.id'))
      .addColumn('permission', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('role_permissions_pkey', ['role_id', 'api_id', 'permission'])
      .execute();
    await db.schema
      .createIndex('role_permissions_api_idx')
      .on('role_permissions')
      .columns(['api_id', 'permission'])
      .execute();
    await db.schema
      .createTable('user_roles')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('user_roles_pkey', ['user_id', 'role_id'])
      .execute();
    await db.schema.createIndex('user_roles_role_idx').on('user_roles').column('role_id').execute();
    await db.schema
      .createTable('client_grants')
      .addColumn('client_id', 'text', (c) => c.notNull().references('oauth_clients.id').onDelete('cascade'))
      .addColumn('api_id', 'text', (c) => c.notNull().references('apis.id'))
      .addColumn('permission', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('client_grants_pkey', ['client_id', 'api_id', 'permission'])
      .execute();
    await db.schema
      .createIndex('client_grants_api_idx')
      .on('client_grants')
      .columns(['api_id', 'permission'])
      .execute();
    // One row: its version grows with every change of APIs or roles, so every instance reloads.
    await db.schema
      .createTable('registry_state')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .alterTable('users')
      .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    // 1: the user's roles are in user_roles. A user an older release's instance creates while the
    // others roll gets 0 (the default), and start-up gives them their users.role then.
    await db.schema
      .alterTable('users')
      .addColumn('roles_adopted', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    await fill(db as Kysely<LegacyTables>);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of [
      'registry_state',
      'client_grants',
      'user_roles',
      'role_permissions',
      'roles',
      'api_permissions',
      'apis',
    ])
      await db.schema.dropTable(table).execute();
    await db.schema.alterTable('users').dropColumn('roles_adopted').execute();
    await db.schema.alterTable('users').dropColumn('attributes').execute();
  },
};

type LegacyTables = {
  apis: {
    id: string;
    identifier: string;
    name: string;
    access_token_ttl: number | null;
    claims: string;
    built_in: string | null;
    created_at: number;
    updated_at: number;
  };
  api_permissions: { api_id: string; name: string; description: string; position: number };
  roles: { id: string; name: string; description: string; built_in: number; created_at: number; updated_at: number };
  role_permissions: { role_id: string; api_id: string; permission: string };
  user_roles: { user_id: string; role_id: string };
  client_grants: { client_id: string; api_id: string; permission: string };
  registry_state: { id: string; version: number };
  users: { id: string; role: string };
  oauth_clients: ClientRow;
};

async function fill(db: Kysely<LegacyTables>): Promise<void> {
  const now = Date.now();
  const clients = await db.selectFrom('oauth_clients').select(['id', 'scopes', 'audiences']).orderBy('id').execute();
  const parsed = clients.map((c) => ({
    id: c.id,
    scopes: c.scopes === '' ? [] : c.scopes.split(' '),
    audiences: JSON.parse(c.audiences) as string[],
  }));
  const legacyAudience = parsed.flatMap((c) => c.audiences).find((a) => !isUri(a)) ?? 'payroll';

  // identifier → { id, permission names in order }
  const apis = new Map<string, { id: string; permissions: string[] }>();
  const addApi = async (
    id: string,
    identifier: string,
    name: string,
    builtIn: string | null,
    permissions: ReadonlyArray<readonly [string, string]>,
  ): Promise<void> => {
    await db
      .insertInto('apis')
      .values({
        id,
        identifier,
        name,
        access_token_ttl: null,
        claims: '[]',
        built_in: builtIn,
        created_at: now,
        updated_at: now,
      })
      .execute();
    apis.set(identifier, { id, permissions: [] });
    for (const [permission, description] of permissions) await addPermission(identifier, permission, description);
  };
  const addPermission = async (identifier: string, permission: string, description: string): Promise<void> => {
    const api = apis.get(identifier);
    if (api === undefined || api.permissions.includes(permission)) return;
    await db
      .insertInto('api_permissions')
      .values({ api_id: api.id, name: permission, description, position: api.permissions.length })
      .execute();
    api.permissions.push(permission);
  };

  await addApi(BULWARK_API_ID, 'urn:bulwark:api', 'Bulwark', 'bulwark', BULWARK_PERMISSIONS);
  await addApi(DEFAULT_API_ID, legacyAudience, 'Payroll', 'default', DEFAULT_PERMISSIONS);

  for (const role of LEGACY_ROLES) {
    const id = legacyRoleId(role.name);
    await db
      .insertInto('roles')
      .values({ id, name: role.name, description: role.description, built_in: 1, created_at: now, updated_at: now })
      .execute();
    const grants = role.scopes.map((permission) => ({ role_id: id, api_id: DEFAULT_API_ID, permission }));
    if (role.name === 'admin')
      for (const [permission] of BULWARK_PERMISSIONS)
        if (permission !== SSF_POLL) grants.push({ role_id: id, api_id: BULWARK_API_ID, permission });
    await db.insertInto('role_permissions').values(grants).execute();
  }
  // Every user holds their legacy role; a role outside the three (none exists) would fail here, loudly.
  await sql`insert into user_roles (user_id, role_id) select id, 'role_' || role from users`.execute(db);
  await sql`update users set roles_adopted = 1`.execute(db);

  let created = 0;
  for (const client of parsed) {
    const grants = new Set<string>();
    const grant = (apiId: string, permission: string): void => {
      grants.add(JSON.stringify([apiId, permission]));
    };
    for (const scope of client.scopes) if (scope === SSF_POLL) grant(BULWARK_API_ID, scope);
    for (const audience of client.audiences) {
      if (!apis.has(audience)) await addApi(`api_migrated_${++created}`, audience, audience, null, []);
      for (const scope of client.scopes) {
        if (scope === SSF_POLL) continue;
        await addPermission(audience, scope, '');
        grant((apis.get(audience) as { id: string }).id, scope);
      }
    }
    const rows = [...grants].map((g) => {
      const [apiId, permission] = JSON.parse(g) as [string, string];
      return { client_id: client.id, api_id: apiId, permission };
    });
    if (rows.length > 0) await db.insertInto('client_grants').values(rows).execute();
  }
  await db.insertInto('registry_state').values({ id: 'registry', version: 1 }).execute();
}
