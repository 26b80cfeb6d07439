import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { openStore } from '../../src/store/open.js';
import type { Database } from '../../src/store/schema.js';
import type { RegistryTables } from '../../src/store/registry-schema.js';
import type { SqlStore } from '../../src/store/sql/store.js';
import { writtenTables } from '../../src/store/table-writes.js';
import { legacyRoleId } from '../../src/store/legacy-roles.js';
import { makeUser } from './suite/fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'bulwark-table-writes-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('writtenTables: what a statement may write', () => {
  it('names the table of an INSERT or UPDATE, nothing for reads, everything when it cannot tell', async () => {
    const store = (await openStore({ dataDir: join(root, 'classify', 'data') })) as SqlStore;
    try {
      const db: Kysely<Database> = store.db;
      const user = makeUser();
      assert.equal(writtenTables(db.selectFrom('users').selectAll().compile()), 'none');
      assert.deepEqual(
        writtenTables(
          db
            .insertInto('users')
            .values({ ...toRow(user) })
            .compile(),
        ),
        ['users'],
      );
      assert.deepEqual(
        writtenTables(
          db
            .insertInto('users')
            .values(toRow(user))
            .onConflict((c) => c.column('id').doNothing())
            .compile(),
        ),
        ['users'],
      );
      assert.deepEqual(writtenTables(db.updateTable('users').set({ disabled: 1 }).compile()), ['users']);
      assert.deepEqual(writtenTables(db.updateTable('users as u').set({ disabled: 1 }).compile()), ['users']);
      // A DELETE may cascade through foreign keys; OR REPLACE deletes; raw SQL could be anything.
      assert.equal(writtenTables(db.deleteFrom('sessions').compile()), 'any');
      assert.equal(writtenTables(db.insertInto('users').orReplace().values(toRow(user)).compile()), 'any');
      assert.equal(writtenTables(sql`update users set disabled = 1`.compile(db)), 'any');
      assert.equal(writtenTables(db.schema.createTable('t').addColumn('a', 'text').compile()), 'any');
      for (const read of ['select 1', ' PRAGMA data_version', 'explain select 1', 'begin', 'commit', 'rollback'])
        assert.equal(writtenTables(sql.raw(read).compile(db)), 'none', read);
    } finally {
      await store.close();
    }
  });
});

describe('sqlite users and registry reads: kept while unchanged, never stale', () => {
  it('sees every write of this connection, whichever adapter or transaction made it', async () => {
    const store = (await openStore({ dataDir: join(root, 'users', 'data') })) as SqlStore;
    try {
      const user = makeUser();
      // Read before the user exists: an unknown id (no roles) must not be kept as "none".
      assert.deepEqual(await store.registry.userRoleIds(user.id), []);
      await store.users.create(user);
      assert.deepEqual(await store.registry.userRoleIds(user.id), [legacyRoleId('clerk')]);

      const first = await store.users.findByIdWithRoleIds(user.id);
      assert.ok(first !== undefined && Object.isFrozen(first.user) && Object.isFrozen(first.roleIds));
      assert.deepEqual(first.roleIds, [legacyRoleId('clerk')]);
      assert.equal(await store.users.findByIdWithRoleIds(user.id), first, 'answered from memory');

      // Writes of other tables keep it, and so does a DELETE (which may cascade) of no row.
      await store.probeWrite();
      await store.db.deleteFrom('sessions').where('id', '=', 'none').execute();
      await store.db.updateTable('users').set({ disabled: 1 }).where('id', '=', 'none').execute();
      assert.equal(await store.users.findByIdWithRoleIds(user.id), first);

      // The registry adapter changes the user's roles: the users adapter's read shows it.
      await store.registry.setUserRoles(user.id, [legacyRoleId('admin')]);
      assert.deepEqual((await store.users.findByIdWithRoleIds(user.id))?.roleIds, [legacyRoleId('admin')]);
      assert.deepEqual(await store.registry.userRoleIds(user.id), [legacyRoleId('admin')]);

      // An update through the adapter, then one in a transaction that rolls back.
      await store.users.update(user.id, { disabled: true, updatedAt: 2 });
      assert.equal((await store.users.findById(user.id))?.disabled, true);
      assert.equal((await store.users.findByIdWithRoleIds(user.id))?.user.disabled, true);
      await assert.rejects(
        store.db.transaction().execute(async (trx) => {
          await trx.updateTable('users').set({ disabled: 0 }).where('id', '=', user.id).execute();
          throw new Error('abandoned');
        }),
        /abandoned/,
      );
      assert.equal((await store.users.findById(user.id))?.disabled, true);
      await store.db.updateTable('users').set({ disabled: 0 }).where('id', '=', user.id).execute();
      assert.equal((await store.users.findById(user.id))?.disabled, false);

      // By name: kept, and dropped by a write of the table.
      const named = await store.users.findByUsername(user.username);
      assert.ok(named !== undefined && Object.isFrozen(named));
      assert.equal(await store.users.findByUsername(user.username), named);
      await store.users.update(user.id, { passwordHash: 'changed', updatedAt: 4 });
      assert.equal((await store.users.findByUsername(user.username))?.passwordHash, 'changed');
    } finally {
      await store.close();
    }
  });

  it('sees another connection’s commits, and a DELETE of any table drops what it kept', async () => {
    const dataDir = join(root, 'two', 'data');
    const a = (await openStore({ dataDir })) as SqlStore;
    const b = (await openStore({ dataDir })) as SqlStore;
    try {
      const { apis } = await a.registry.snapshot();
      const api = apis[0];
      assert.ok(api !== undefined);
      const permission = api.permissions[0]?.name;
      assert.ok(permission !== undefined);
      await a.clients.create({
        id: 'bcl_1',
        name: 'job',
        authMethod: 'client_secret',
        secretHash: 'h1',
        jwks: null,
        jwksUri: null,
        scopes: [],
        audiences: [],
        introspection: false,
        disabled: false,
        createdAt: 1,
        updatedAt: 1,
        secretIssuedAt: 1,
      });
      await a.registry.setClientGrants('bcl_1', [{ apiId: api.id, permission }]);
      assert.deepEqual(await a.registry.clientGrants('bcl_1'), [{ apiId: api.id, permission }]);
      await b.registry.setClientGrants('bcl_1', []);
      assert.deepEqual(await a.registry.clientGrants('bcl_1'), []);

      await a.registry.setClientGrants('bcl_1', [{ apiId: api.id, permission }]);
      assert.equal((await a.registry.clientGrants('bcl_1')).length, 1);
      await (a.db as unknown as Kysely<RegistryTables>).deleteFrom('client_grants').execute();
      assert.deepEqual(await a.registry.clientGrants('bcl_1'), []);

      const user = makeUser();
      await a.users.create(user);
      assert.equal((await a.users.findById(user.id))?.username, user.username);
      await b.users.update(user.id, { disabled: true, updatedAt: 3 });
      assert.equal((await a.users.findById(user.id))?.disabled, true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

function toRow(
  user: ReturnType<typeof makeUser>,
): Database['users'] extends infer R ? Record<string, unknown> & R : never {
  return {
    id: user.id,
    username: user.username,
    password_hash: user.passwordHash,
    role: user.role,
    employee_id: null,
    disabled: 0,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    password_changed_at: user.passwordChangedAt,
    must_change_password: 0,
    email: null,
    email_verified_at: null,
    attributes: '{}',
  } as never;
}
