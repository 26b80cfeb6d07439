import { sql, type Kysely } from 'kysely';
import { ConflictError } from '../../errors/index.js';
import type { RegistryTables } from '../registry-schema.js';
import type {
  ApiPatch,
  ApiRecord,
  GrantRecord,
  RegistrySnapshot,
  RegistryStore,
  RolePatch,
  RoleRecord,
} from '../registry-types.js';
import type { Database } from '../schema.js';
import { CompiledRead } from './compiled.js';
import { deepFreeze, readThrough, unchangedCache } from './unchanged-cache.js';
import { isUniqueViolation, ms } from './values.js';
import { parseAttributes } from './attributes.js';
import { EMPLOYEE_LINK_ATTRIBUTE } from '@bulwark/contract';

type Db = Kysely<RegistryTables & Pick<Database, 'users'>>;

/** Runs `work` in a transaction, or in the caller's when `db` is one already (kysely does not nest them). */
export function inTransaction<DB, T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db);
  return db.transaction().execute((trx) => work(trx as unknown as Kysely<DB>));
}

async function bump(db: Db): Promise<void> {
  await db
    .updateTable('registry_state')
    .set({ version: sql<number>`version + 1` })
    .where('id', '=', 'registry')
    .execute();
}

// Login and refresh read one of these per user token: compiled once.
const USER_ROLE_IDS = new CompiledRead<RegistryTables, { role_id: string }>((db, p) =>
  db.selectFrom('user_roles').select('role_id').where('user_id', '=', p<string>(0)),
);
const CLIENT_GRANTS = new CompiledRead<RegistryTables, { api_id: string; permission: string }>((db, p) =>
  db.selectFrom('client_grants').select(['api_id', 'permission']).where('client_id', '=', p<string>(0)),
);

async function writePermissions(db: Db, apiId: string, permissions: ApiRecord['permissions']): Promise<void> {
  await db.deleteFrom('api_permissions').where('api_id', '=', apiId).execute();
  if (permissions.length === 0) return;
  await db
    .insertInto('api_permissions')
    .values(permissions.map((p, position) => ({ api_id: apiId, name: p.name, description: p.description, position })))
    .execute();
}

async function writeRolePermissions(db: Db, roleId: string, permissions: readonly GrantRecord[]): Promise<void> {
  await db.deleteFrom('role_permissions').where('role_id', '=', roleId).execute();
  if (permissions.length === 0) return;
  await db
    .insertInto('role_permissions')
    .values(permissions.map((p) => ({ role_id: roleId, api_id: p.apiId, permission: p.permission })))
    .execute();
}

function conflict(error: unknown, detail: string): never {
  if (!isUniqueViolation(error)) throw error;
  throw new ConflictError('registry name taken', { detail, cause: error });
}

export function sqlRegistry(base: Kysely<Database>): RegistryStore {
  const db = base.withTables<RegistryTables>() as unknown as Db;
  // Every login and refresh reads a user's role ids, every client token its client's grants: on
  // SQLite kept while their table is unchanged (frozen: callers share them).
  const roleIdsCache = unchangedCache<readonly string[]>(base, ['user_roles']);
  const clientGrantsCache = unchangedCache<readonly GrantRecord[]>(base, ['client_grants']);
  return {
    async version(): Promise<number> {
      const row = await db
        .selectFrom('registry_state')
        .select('version')
        .where('id', '=', 'registry')
        .executeTakeFirst();
      return row === undefined ? 0 : ms(row.version);
    },

    async snapshot(): Promise<RegistrySnapshot> {
      // One transaction: the version and the rows it describes are read together.
      return inTransaction(db, async (trx) => {
        const version = await trx
          .selectFrom('registry_state')
          .select('version')
          .where('id', '=', 'registry')
          .executeTakeFirst();
        const apiRows = await trx.selectFrom('apis').selectAll().orderBy('created_at').orderBy('id').execute();
        const permissionRows = await trx
          .selectFrom('api_permissions')
          .selectAll()
          .orderBy('api_id')
          .orderBy('position')
          .execute();
        const roleRows = await trx.selectFrom('roles').selectAll().orderBy('created_at').orderBy('id').execute();
        const grantRows = await trx
          .selectFrom('role_permissions')
          .selectAll()
          .orderBy('role_id')
          .orderBy('api_id')
          .orderBy('permission')
          .execute();
        const apis: ApiRecord[] = apiRows.map((row) => ({
          id: row.id,
          identifier: row.identifier,
          name: row.name,
          permissions: [],
          accessTokenTtlSeconds: row.access_token_ttl === null ? null : Number(row.access_token_ttl),
          claims: JSON.parse(row.claims) as string[],
          builtIn: row.built_in,
          createdAt: ms(row.created_at),
          updatedAt: ms(row.updated_at),
        }));
        const apiById = new Map(apis.map((a) => [a.id, a]));
        for (const row of permissionRows)
          apiById.get(row.api_id)?.permissions.push({ name: row.name, description: row.description });
        const roles: RoleRecord[] = roleRows.map((row) => ({
          id: row.id,
          name: row.name,
          description: row.description,
          permissions: [],
          builtIn: Number(row.built_in) !== 0,
          createdAt: ms(row.created_at),
          updatedAt: ms(row.updated_at),
        }));
        const roleById = new Map(roles.map((r) => [r.id, r]));
        for (const row of grantRows)
          roleById.get(row.role_id)?.permissions.push({ apiId: row.api_id, permission: row.permission });
        return { version: version === undefined ? 0 : ms(version.version), apis, roles };
      });
    },

    async createApi(api: ApiRecord): Promise<void> {
      try {
        await inTransaction(db, async (trx) => {
          await trx
            .insertInto('apis')
            .values({
              id: api.id,
              identifier: api.identifier,
              name: api.name,
              access_token_ttl: api.accessTokenTtlSeconds,
              claims: JSON.stringify(api.claims),
              built_in: api.builtIn,
              created_at: api.createdAt,
              updated_at: api.updatedAt,
            })
            .execute();
          await writePermissions(trx, api.id, api.permissions);
          await bump(trx);
        });
      } catch (error) {
        conflict(error, 'An API with this identifier already exists.');
      }
    },

    async updateApi(id: string, patch: ApiPatch): Promise<boolean> {
      try {
        return await inTransaction(db, async (trx) => {
          const row = await trx
            .updateTable('apis')
            .set({
              updated_at: patch.updatedAt,
              ...(patch.identifier === undefined ? {} : { identifier: patch.identifier }),
              ...(patch.name === undefined ? {} : { name: patch.name }),
              ...(patch.accessTokenTtlSeconds === undefined ? {} : { access_token_ttl: patch.accessTokenTtlSeconds }),
              ...(patch.claims === undefined ? {} : { claims: JSON.stringify(patch.claims) }),
            })
            .where('id', '=', id)
            .returning('id')
            .executeTakeFirst();
          if (row === undefined) return false;
          if (patch.permissions !== undefined) await writePermissions(trx, id, patch.permissions);
          await bump(trx);
          return true;
        });
      } catch (error) {
        conflict(error, 'An API with this identifier already exists.');
      }
    },

    async deleteApi(id: string): Promise<boolean> {
      return inTransaction(db, async (trx) => {
        await trx.deleteFrom('client_grants').where('api_id', '=', id).execute();
        const result = await trx.deleteFrom('apis').where('id', '=', id).executeTakeFirst();
        if (Number(result.numDeletedRows) === 0) return false;
        await bump(trx);
        return true;
      });
    },

    async apiUse(apiId: string, permissions?: readonly string[]): Promise<{ roles: number; clients: number }> {
      if (permissions !== undefined && permissions.length === 0) return { roles: 0, clients: 0 };
      let roles = db
        .selectFrom('role_permissions')
        .select((eb) => eb.fn.count<number>('role_id').distinct().as('n'))
        .where('api_id', '=', apiId);
      let clients = db
        .selectFrom('client_grants')
        .select((eb) => eb.fn.count<number>('client_id').distinct().as('n'))
        .where('api_id', '=', apiId);
      if (permissions !== undefined) {
        roles = roles.where('permission', 'in', [...permissions]);
        clients = clients.where('permission', 'in', [...permissions]);
      }
      const [r, c] = await Promise.all([roles.executeTakeFirstOrThrow(), clients.executeTakeFirstOrThrow()]);
      return { roles: Number(r.n), clients: Number(c.n) };
    },

    async createRole(role: RoleRecord): Promise<void> {
      try {
        await inTransaction(db, async (trx) => {
          await trx
            .insertInto('roles')
            .values({
              id: role.id,
              name: role.name,
              description: role.description,
              built_in: role.builtIn ? 1 : 0,
              created_at: role.createdAt,
              updated_at: role.updatedAt,
            })
            .execute();
          await writeRolePermissions(trx, role.id, role.permissions);
          await bump(trx);
        });
      } catch (error) {
        conflict(error, 'A role with this name already exists.');
      }
    },

    async updateRole(id: string, patch: RolePatch): Promise<boolean> {
      return inTransaction(db, async (trx) => {
        const row = await trx
          .updateTable('roles')
          .set({
            updated_at: patch.updatedAt,
            ...(patch.description === undefined ? {} : { description: patch.description }),
          })
          .where('id', '=', id)
          .returning('id')
          .executeTakeFirst();
        if (row === undefined) return false;
        if (patch.permissions !== undefined) await writeRolePermissions(trx, id, patch.permissions);
        await bump(trx);
        return true;
      });
    },

    async deleteRole(id: string): Promise<boolean> {
      return inTransaction(db, async (trx) => {
        await trx.deleteFrom('user_roles').where('role_id', '=', id).execute();
        await trx.deleteFrom('role_permissions').where('role_id', '=', id).execute();
        const result = await trx.deleteFrom('roles').where('id', '=', id).executeTakeFirst();
        if (Number(result.numDeletedRows) === 0) return false;
        await bump(trx);
        return true;
      });
    },

    async roleHolders(roleId: string): Promise<string[]> {
      const rows = await db.selectFrom('user_roles').select('user_id').where('role_id', '=', roleId).execute();
      return rows.map((r) => r.user_id);
    },

    async userRoleIds(userId: string): Promise<readonly string[]> {
      const ids = await readThrough(roleIdsCache, userId, async () => {
        const rows = await USER_ROLE_IDS.rows(db as unknown as Kysely<RegistryTables>, [userId]);
        return Object.freeze(rows.map((r) => r.role_id));
      });
      return ids ?? [];
    },

    async usersRoleIds(userIds: readonly string[]): Promise<Map<string, string[]>> {
      const map = new Map<string, string[]>(userIds.map((id) => [id, []]));
      if (userIds.length === 0) return map;
      const rows = await db
        .selectFrom('user_roles')
        .select(['user_id', 'role_id'])
        .where('user_id', 'in', [...userIds])
        .execute();
      for (const row of rows) map.get(row.user_id)?.push(row.role_id);
      return map;
    },

    async setUserRoles(userId: string, roleIds: readonly string[], legacyRole?: string): Promise<void> {
      await inTransaction(db, async (trx) => {
        await trx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
        if (roleIds.length > 0)
          await trx
            .insertInto('user_roles')
            .values([...new Set(roleIds)].map((roleId) => ({ user_id: userId, role_id: roleId })))
            .execute();
        if (legacyRole !== undefined)
          await trx
            .updateTable('users')
            .set({ role: legacyRole as Database['users']['role'] })
            .where('id', '=', userId)
            .execute();
      });
    },

    async adoptLegacyUsers(): Promise<number> {
      return inTransaction(db, async (trx) => {
        await sql`insert into user_roles (user_id, role_id)
          select u.id, 'role_' || u.role from users u
          where u.roles_adopted = 0 and not exists (select 1 from user_roles r where r.user_id = u.id)`.execute(trx);
        // An older release writes the employee link to the column only (0013 made it an attribute).
        const linked = await trx
          .selectFrom('users')
          .select(['id', 'employee_id', 'attributes'])
          .where('roles_adopted', '=', 0)
          .where('employee_id', 'is not', null)
          .execute();
        for (const row of linked)
          await trx
            .updateTable('users')
            .set({
              attributes: JSON.stringify({
                ...parseAttributes(row.attributes),
                [EMPLOYEE_LINK_ATTRIBUTE]: row.employee_id,
              }),
            })
            .where('id', '=', row.id)
            .execute();
        const result = await trx
          .updateTable('users')
          .set({ roles_adopted: 1 })
          .where('roles_adopted', '=', 0)
          .executeTakeFirst();
        return Number(result.numUpdatedRows);
      });
    },

    async clientGrants(clientId: string): Promise<readonly GrantRecord[]> {
      const grants = await readThrough(clientGrantsCache, clientId, async () => {
        const rows = await CLIENT_GRANTS.rows(db as unknown as Kysely<RegistryTables>, [clientId]);
        return deepFreeze(rows.map((r) => ({ apiId: r.api_id, permission: r.permission })));
      });
      return grants ?? [];
    },

    async setClientGrants(clientId: string, grants: readonly GrantRecord[]): Promise<void> {
      await inTransaction(db, async (trx) => {
        await trx.deleteFrom('client_grants').where('client_id', '=', clientId).execute();
        const unique = [...new Map(grants.map((g) => [`${g.apiId} ${g.permission}`, g])).values()];
        if (unique.length > 0)
          await trx
            .insertInto('client_grants')
            .values(unique.map((g) => ({ client_id: clientId, api_id: g.apiId, permission: g.permission })))
            .execute();
      });
    },
  };
}
