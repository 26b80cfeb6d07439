import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BULWARK_API, BULWARK_PERMISSIONS } from '@bulwark/contract';
import { bearer, createHarness, problemOf, type Harness } from '../helpers/harness.js';
import { createTestSchema, SKIP_POSTGRES } from '../helpers/postgres.js';

/** The same suite on SQLite and on Postgres (its own schema). */
const TARGETS: Array<{
  name: string;
  skip: string | false;
  env: () => Promise<{ env: Record<string, string>; drop(): Promise<void> }>;
}> = [
  { name: 'SQLite', skip: false, env: () => Promise.resolve({ env: {}, drop: () => Promise.resolve() }) },
  {
    name: 'Postgres',
    skip: SKIP_POSTGRES,
    env: async () => {
      const schema = await createTestSchema('bulwark_registry');
      return { env: { BULWARK_DATABASE_URL: schema.url }, drop: schema.drop };
    },
  },
];

for (const target of TARGETS)
  describe(
    `APIs and roles as data (/api/apis, /api/roles, PUT /api/users/{id}/roles) on ${target.name}`,
    { skip: target.skip },
    () => {
      let h: Harness;
      let drop: () => Promise<void> = () => Promise.resolve();
      let admin: string;
      let clerk: string;
      let adminId: string;
      let bobId: string;
      before(async () => {
        const made = await target.env();
        drop = made.drop;
        h = await createHarness(made.env);
        adminId = (await h.addUser('alice', 'admin')).id;
        bobId = (await h.addUser('bob', 'clerk')).id;
        admin = (await h.login('alice', 'alice-Correct-Horse-42')).access_token;
        clerk = (await h.login('bob', 'bob-Correct-Horse-42')).access_token;
      });
      after(async () => {
        await h.close();
        await drop();
      });

      const call = (
        method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
        url: string,
        token: string,
        payload?: unknown,
      ) =>
        h.app.inject({
          method,
          url,
          headers: bearer(token),
          ...(payload === undefined ? {} : { payload: payload as object }),
        });

      it('lists the built-in APIs and roles after the upgrade migration', async () => {
        const apis = await call('GET', '/api/apis', admin);
        assert.equal(apis.statusCode, 200);
        const body = apis.json<{
          items: Array<{ identifier: string; built_in: boolean; permissions: Array<{ name: string }> }>;
          next_cursor: null;
        }>();
        const identifiers = body.items.map((a) => a.identifier);
        assert.deepEqual(identifiers.sort(), ['payroll', 'urn:bulwark:api']);
        assert.ok(body.items.every((a) => a.built_in));
        const payroll = body.items.find((a) => a.identifier === 'payroll');
        assert.deepEqual(payroll?.permissions.map((p) => p.name).sort(), [
          'admin',
          'payroll:read',
          'payroll:read:self',
          'payroll:write',
          'profile',
        ]);
        const roles = await call('GET', '/api/roles', admin);
        const list = roles.json<{
          items: Array<{ name: string; permissions: Array<{ api: string; permission: string }> }>;
        }>().items;
        assert.deepEqual(list.map((r) => r.name).sort(), ['admin', 'clerk', 'employee']);
        const clerkRole = list.find((r) => r.name === 'clerk');
        assert.deepEqual(clerkRole?.permissions, [
          { api: 'payroll', permission: 'payroll:read' },
          { api: 'payroll', permission: 'profile' },
        ]);
      });

      it('a clerk may not read or change the registry (403 forbidden), no token is 401', async () => {
        for (const [method, url] of [
          ['GET', '/api/apis'],
          ['POST', '/api/apis'],
          ['GET', '/api/roles'],
          ['POST', '/api/roles'],
          ['PUT', `/api/users/${bobId}/roles`],
        ] as const) {
          const refused = await call(method, url, clerk, method === 'GET' ? undefined : {});
          assert.equal(refused.statusCode, 403, `${method} ${url}`);
          assert.equal(problemOf(refused).code, 'forbidden');
          const anonymous = await h.app.inject({ method, url });
          assert.equal(anonymous.statusCode, 401);
        }
      });

      it('registers an API, refuses duplicates and bad names, and audits the change', async () => {
        const created = await call('POST', '/api/apis', admin, {
          identifier: 'https://inventory.example',
          name: 'Inventory',
          permissions: [{ name: 'stock:read', description: 'Read stock' }, { name: 'stock:write' }],
          access_token_ttl: 300,
          claims: ['department'],
        });
        assert.equal(created.statusCode, 201, created.body);
        const api = created.json<{ id: string; identifier: string; access_token_ttl: number; built_in: boolean }>();
        assert.equal(api.identifier, 'https://inventory.example');
        assert.equal(api.access_token_ttl, 300);
        assert.equal(api.built_in, false);
        const audit = await h.store.audit.list({ type: 'api.created' }, { limit: 5 });
        assert.ok(audit.items.some((e) => e.targetId === api.id && e.actorId === adminId));

        const dup = await call('POST', '/api/apis', admin, { identifier: 'https://inventory.example', name: 'Again' });
        assert.equal(dup.statusCode, 409);
        assert.equal(problemOf(dup).code, 'conflict');
        for (const bad of [
          { identifier: 'not a uri', name: 'x' },
          { identifier: 'https://x.example#frag', name: 'x' },
          { identifier: 'https://x.example', name: 'x', permissions: [{ name: 'has space' }] },
          { identifier: 'https://x.example', name: 'x', permissions: [{ name: 'a' }, { name: 'a' }] },
          { identifier: 'https://x.example', name: 'x', claims: ['sub'] },
          { identifier: 'https://x.example', name: 'x', claims: ['role'] },
          { identifier: 'https://x.example', name: 'x', access_token_ttl: 59 },
          { identifier: 'https://x.example', name: 'x', access_token_ttl: 100_000 },
        ]) {
          const refused = await call('POST', '/api/apis', admin, bad);
          assert.equal(refused.statusCode, 400, JSON.stringify(bad));
          assert.equal(problemOf(refused).code, 'invalid_request');
        }
        const apis = await call('GET', '/api/apis', admin);
        assert.equal(apis.json<{ items: unknown[] }>().items.length, 3);
      });

      it('roles grant permissions of registered APIs only; holders are revoked when a role changes', async () => {
        const unknownApi = await call('POST', '/api/roles', admin, {
          name: 'ghost',
          permissions: [{ api: 'https://nowhere.example', permission: 'x' }],
        });
        assert.equal(unknownApi.statusCode, 400);
        assert.equal(problemOf(unknownApi).code, 'unknown_api');
        const unknownPermission = await call('POST', '/api/roles', admin, {
          name: 'ghost',
          permissions: [{ api: 'https://inventory.example', permission: 'stock:delete' }],
        });
        assert.equal(unknownPermission.statusCode, 400);
        assert.equal(problemOf(unknownPermission).code, 'unknown_permission');
        const badName = await call('POST', '/api/roles', admin, { name: 'Bad Name' });
        assert.equal(badName.statusCode, 400);

        const created = await call('POST', '/api/roles', admin, {
          name: 'stock-reader',
          description: 'Reads stock',
          permissions: [{ api: 'https://inventory.example', permission: 'stock:read' }],
        });
        assert.equal(created.statusCode, 201, created.body);
        const role = created.json<{ id: string; name: string; permissions: unknown[] }>();
        assert.deepEqual(role.permissions, [{ api: 'https://inventory.example', permission: 'stock:read' }]);
        const dup = await call('POST', '/api/roles', admin, { name: 'stock-reader' });
        assert.equal(dup.statusCode, 409);

        const unknownRole = await call('PUT', `/api/users/${bobId}/roles`, admin, { roles: ['clerk', 'nobody'] });
        assert.equal(unknownRole.statusCode, 400);
        assert.equal(problemOf(unknownRole).code, 'unknown_role');

        const set = await call('PUT', `/api/users/${bobId}/roles`, admin, { roles: ['clerk', 'stock-reader'] });
        assert.equal(set.statusCode, 200, set.body);
        assert.deepEqual(set.json<{ roles: string[]; role: string }>().roles, ['clerk', 'stock-reader']);
        assert.equal(set.json<{ role: string }>().role, 'clerk');
        // The role change ended bob's sessions: his token no longer works.
        const me = await h.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(clerk) });
        assert.equal(me.statusCode, 401);
        const audit = await h.store.audit.list({ type: 'user.roles_changed' }, { limit: 5 });
        assert.deepEqual(audit.items[0]?.details.to, ['clerk', 'stock-reader']);

        const fresh = (await h.login('bob', 'bob-Correct-Horse-42')).access_token;
        // Computed (and kept for this registry version) before the change: the change must not be answered from it.
        const before = await h.services.grants.userGrant(bobId, 'https://inventory.example');
        assert.deepEqual(before?.permissions, ['stock:read']);
        const changed = await call('PATCH', `/api/roles/${role.id}`, admin, {
          permissions: [
            { api: 'https://inventory.example', permission: 'stock:read' },
            { api: 'https://inventory.example', permission: 'stock:write' },
          ],
        });
        assert.equal(changed.statusCode, 200, changed.body);
        const after = await h.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(fresh) });
        assert.equal(after.statusCode, 401, 'a changed role revokes its holders');

        const grants = await h.services.grants.userGrant(bobId, 'https://inventory.example');
        assert.deepEqual(grants?.permissions, ['stock:read', 'stock:write']);
        assert.deepEqual(grants?.roles, ['stock-reader']);
        const payroll = await h.services.grants.userGrant(bobId, 'payroll');
        assert.deepEqual(payroll?.permissions, ['profile', 'payroll:read']);
        assert.deepEqual(payroll?.roles, ['clerk']);
        assert.equal(await h.services.grants.userGrant(bobId, 'https://nowhere.example'), undefined);
      });

      it('an API still referenced cannot lose its permissions or be deleted (409 api_in_use); built-ins never', async () => {
        const apis = (await call('GET', '/api/apis', admin)).json<{
          items: Array<{ id: string; identifier: string }>;
        }>().items;
        const inventory = apis.find((a) => a.identifier === 'https://inventory.example');
        const bulwark = apis.find((a) => a.identifier === 'urn:bulwark:api');
        assert.ok(inventory !== undefined && bulwark !== undefined);
        const shrink = await call('PATCH', `/api/apis/${inventory.id}`, admin, {
          permissions: [{ name: 'stock:write' }],
        });
        assert.equal(shrink.statusCode, 409);
        assert.equal(problemOf(shrink).code, 'api_in_use');
        const remove = await call('DELETE', `/api/apis/${inventory.id}`, admin);
        assert.equal(remove.statusCode, 409);
        assert.equal(problemOf(remove).code, 'api_in_use');
        const builtIn = await call('DELETE', `/api/apis/${bulwark.id}`, admin);
        assert.equal(builtIn.statusCode, 409);
        assert.equal(problemOf(builtIn).code, 'registry_built_in');
        const still = await call('GET', `/api/apis/${inventory.id}`, admin);
        assert.equal(still.json<{ permissions: unknown[] }>().permissions.length, 2);

        const roles = (await call('GET', '/api/roles', admin)).json<{ items: Array<{ id: string; name: string }> }>()
          .items;
        const stock = roles.find((r) => r.name === 'stock-reader');
        const clerkRole = roles.find((r) => r.name === 'clerk');
        assert.ok(stock !== undefined && clerkRole !== undefined);
        const legacy = await call('DELETE', `/api/roles/${clerkRole.id}`, admin);
        assert.equal(legacy.statusCode, 409);
        assert.equal(problemOf(legacy).code, 'registry_built_in');
        assert.equal((await call('DELETE', `/api/roles/${stock.id}`, admin)).statusCode, 204);
        assert.equal((await call('GET', `/api/roles/${stock.id}`, admin)).statusCode, 404);
        assert.equal((await call('DELETE', `/api/apis/${inventory.id}`, admin)).statusCode, 204);
        assert.equal((await call('GET', `/api/apis/${inventory.id}`, admin)).statusCode, 404);
      });

      it('pages the lists with cursor and limit', async () => {
        for (const n of [1, 2, 3]) {
          const r = await call('POST', '/api/roles', admin, { name: `paged-${n}` });
          assert.equal(r.statusCode, 201);
        }
        const all = (await call('GET', '/api/roles?limit=100', admin)).json<{ items: Array<{ name: string }> }>().items;
        assert.equal(all.length, 6);
        const paged: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const response = await call('GET', `/api/roles?limit=4${cursor === null ? '' : `&cursor=${cursor}`}`, admin);
          const body = response.json<{ items: Array<{ name: string }>; next_cursor: string | null }>();
          paged.push(...body.items.map((r) => r.name));
          cursor = body.next_cursor;
          pages += 1;
        } while (cursor !== null);
        assert.equal(pages, 2);
        assert.deepEqual(
          paged,
          all.map((r) => r.name),
        );
        const bad = await call('GET', '/api/roles?cursor=garbage!', admin);
        assert.equal(bad.statusCode, 400);
      });

      it("GET /api/users/me lists the user's permissions at Bulwark's own API, as the checks read them", async () => {
        const me = async (token: string) => {
          const answer = await call('GET', '/api/users/me', token);
          assert.equal(answer.statusCode, 200, answer.body);
          return answer.json<{ username: string; roles: string[]; permissions: string[] }>();
        };
        const adminMe = await me(admin);
        assert.equal(adminMe.username, 'alice');
        assert.deepEqual(
          adminMe.permissions,
          Object.keys(BULWARK_PERMISSIONS).filter((p) => p !== 'ssf:poll'),
          "every permission of Bulwark API but a machine client's, in its declared order",
        );

        const carolId = (await h.addUser('carol', 'clerk')).id;
        const carolBefore = (await h.login('carol', 'carol-Correct-Horse-42')).access_token;
        assert.deepEqual((await me(carolBefore)).permissions, []);

        const role = await call('POST', '/api/roles', admin, {
          name: 'user-reader',
          permissions: [{ api: BULWARK_API, permission: 'users:read' }],
        });
        assert.equal(role.statusCode, 201, role.body);
        const set = await call('PUT', `/api/users/${carolId}/roles`, admin, { roles: ['clerk', 'user-reader'] });
        assert.equal(set.statusCode, 200, set.body);
        const carol = (await h.login('carol', 'carol-Correct-Horse-42')).access_token;
        const carolMe = await me(carol);
        assert.deepEqual(carolMe.roles, ['clerk', 'user-reader']);
        assert.deepEqual(carolMe.permissions, ['users:read']);
        // What it says is what the checks allow.
        assert.equal((await call('GET', '/api/users', carol)).statusCode, 200);
        assert.equal((await call('GET', '/api/keys', carol)).statusCode, 403);
        assert.equal((await call('GET', '/api/roles', carol)).statusCode, 403);
      });
    },
  );
