import { PostgresAdapter, sql, type Kysely, type Updateable } from 'kysely';
import { ConflictError } from '../../errors/index.js';
import type { Database, UsersTable } from '../schema.js';
import type { Page, PageRequest, UserPatch, UserRecord, UsersStore } from '../types.js';
import { CompiledRead } from './compiled.js';
import { deepFreeze, readThrough, unchangedCache } from './unchanged-cache.js';
import { afterCursor, toPage } from './cursor.js';
import { isUniqueViolation, ms, msOrNull } from './values.js';
import { legacyRoleId } from '../legacy-roles.js';
import type { RegistryTables } from '../registry-schema.js';
import { inTransaction } from './registry.js';
import { employeeColumnMirror, parseAttributes } from './attributes.js';

/** A users row as the record (also for reads that join the row, e.g. the refresh's). */
export function toUserRecord(row: Omit<UsersTable, 'employee_id'>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    role: row.role,
    disabled: Number(row.disabled) !== 0,
    createdAt: ms(row.created_at),
    updatedAt: ms(row.updated_at),
    passwordChangedAt: ms(row.password_changed_at),
    mustChangePassword: Number(row.must_change_password) !== 0,
    email: row.email ?? null,
    emailVerifiedAt: msOrNull(row.email_verified_at ?? null),
    attributes: parseAttributes(row.attributes),
  };
}

function toRow(user: UserRecord): UsersTable {
  return {
    id: user.id,
    username: user.username,
    password_hash: user.passwordHash,
    role: user.role,
    employee_id: employeeColumnMirror(user.attributes),
    disabled: user.disabled ? 1 : 0,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    password_changed_at: user.passwordChangedAt,
    must_change_password: user.mustChangePassword ? 1 : 0,
    email: user.email ?? null,
    email_verified_at: user.emailVerifiedAt ?? null,
    attributes: JSON.stringify(user.attributes ?? {}),
    roles_adopted: 1,
  };
}

/** Only the fields present in the patch change. */
function toUpdate(patch: UserPatch): Updateable<UsersTable> {
  const set: Updateable<UsersTable> = { updated_at: patch.updatedAt };
  if (patch.role !== undefined) set.role = patch.role;
  if (patch.disabled !== undefined) set.disabled = patch.disabled ? 1 : 0;
  if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
  if (patch.passwordChangedAt !== undefined) set.password_changed_at = patch.passwordChangedAt;
  if (patch.mustChangePassword !== undefined) set.must_change_password = patch.mustChangePassword ? 1 : 0;
  if (patch.email !== undefined) set.email = patch.email;
  if (patch.emailVerifiedAt !== undefined) set.email_verified_at = patch.emailVerifiedAt;
  if (patch.attributes !== undefined) {
    set.attributes = JSON.stringify(patch.attributes);
    set.employee_id = employeeColumnMirror(patch.attributes);
  }
  return set;
}

// Every authenticated /api/users/me and every login reads one of these: compiled once.
const BY_ID = new CompiledRead<Database, UsersTable>((db, p) =>
  db.selectFrom('users').selectAll().where('id', '=', p<string>(0)),
);
/**
 * /api/users/me: the user's row and their role ids in one statement (a second read was a read
 * transaction of its own on SQLite, a round trip on Postgres), the ids as JSON array text.
 */
/**
 * The user's role ids as a JSON array text, a correlated subquery on `userId` (a column
 * reference such as `users.id`): read with the user in the same statement.
 */
export function roleIdsJson(db: Kysely<Database>, userId: string) {
  const ref = sql.ref(userId);
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? sql<string>`(select coalesce(json_agg(r.role_id)::text, '[]') from user_roles r where r.user_id = ${ref})`
    : sql<string>`(select json_group_array(r.role_id) from user_roles r where r.user_id = ${ref})`;
}

/** Role ids read back from roleIdsJson (anything else: none). */
export function parseRoleIds(text: unknown): string[] {
  const ids: unknown = typeof text === 'string' ? JSON.parse(text) : [];
  return Array.isArray(ids) ? ids.filter((v): v is string => typeof v === 'string') : [];
}

const BY_ID_WITH_ROLE_IDS = new CompiledRead<Database, UsersTable & { role_ids: string }>((db, p) =>
  db.selectFrom('users').selectAll().select(roleIdsJson(db, 'users.id').as('role_ids')).where('id', '=', p<string>(0)),
);
const BY_USERNAME = new CompiledRead<Database, UsersTable>((db, p) =>
  db.selectFrom('users').selectAll().where('username', '=', p<string>(0)),
);

export function sqlUsers(db: Kysely<Database>): UsersStore {
  // Every authenticated /api/users/me reads a user by id, every login by name (twice: its limits
  // and its check) and by id: on SQLite kept while the tables are unchanged (the records are
  // frozen, so a kept one is never altered by a caller).
  const byIdCache = unchangedCache<UserRecord>(db, ['users']);
  const byUsernameCache = unchangedCache<UserRecord>(db, ['users']);
  const withRoleIdsCache = unchangedCache<{ user: UserRecord; roleIds: readonly string[] }>(db, [
    'users',
    'user_roles',
  ]);
  return {
    async create(user: UserRecord): Promise<void> {
      try {
        await inTransaction(db, async (trx) => {
          await trx.insertInto('users').values(toRow(user)).execute();
          await (trx as unknown as Kysely<RegistryTables>)
            .insertInto('user_roles')
            .values({ user_id: user.id, role_id: legacyRoleId(user.role) })
            .execute();
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new ConflictError('user already exists', {
          detail: 'A user with this username or email address already exists.',
          cause: error,
        });
      }
    },

    findById(id: string): Promise<UserRecord | undefined> {
      return readThrough(byIdCache, id, async () => {
        const row = await BY_ID.first(db, [id]);
        return row === undefined ? undefined : deepFreeze(toUserRecord(row));
      });
    },

    findByIdWithRoleIds(id: string): Promise<{ user: UserRecord; roleIds: readonly string[] } | undefined> {
      return readThrough(withRoleIdsCache, id, async () => {
        const row = await BY_ID_WITH_ROLE_IDS.first(db, [id]);
        if (row === undefined) return undefined;
        return deepFreeze({ user: toUserRecord(row), roleIds: parseRoleIds(row.role_ids) });
      });
    },

    findByUsername(username: string): Promise<UserRecord | undefined> {
      return readThrough(byUsernameCache, username, async () => {
        const row = await BY_USERNAME.first(db, [username]);
        return row === undefined ? undefined : deepFreeze(toUserRecord(row));
      });
    },

    async findByEmail(email: string): Promise<UserRecord | undefined> {
      const row = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
      return row === undefined ? undefined : toUserRecord(row);
    },

    async list(page: PageRequest): Promise<Page<UserRecord>> {
      let query = db.selectFrom('users').selectAll();
      if (page.cursor !== undefined) query = query.where(afterCursor(page.cursor, 'created_at', 'asc'));
      const rows = await query
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .limit(page.limit + 1)
        .execute();
      return toPage(rows.map(toUserRecord), page.limit, (u) => [u.createdAt, u.id]);
    },

    async update(id: string, patch: UserPatch): Promise<UserRecord | undefined> {
      try {
        const row = await db
          .updateTable('users')
          .set(toUpdate(patch))
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst();
        return row === undefined ? undefined : toUserRecord(row);
      } catch (error) {
        // Only the email can clash on update (usernames never change).
        if (!isUniqueViolation(error)) throw error;
        throw new ConflictError('email address taken', {
          detail: 'Another account uses this email address.',
          cause: error,
        });
      }
    },

    async count(): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
