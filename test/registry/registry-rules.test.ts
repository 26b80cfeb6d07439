import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BULWARK_API, REGISTRY_LIMITS } from '@bulwark/contract';
import { RegistryCache } from '../../src/auth/registry/registry-cache.js';
import { ensureApi } from '../../src/auth/registry/ensure-api.js';
import { holdsPermission } from '../../src/auth/registry/require-permission.js';
import { ServiceUnavailableError } from '../../src/errors/index.js';
import { PAYROLL_PERMISSIONS } from '@bulwark/contract/registry';
import { PAYROLL_PERMISSION_LIST, seedDemoPayroll } from '../../src/payroll/index.js';
import { openStore } from '../../src/store/index.js';
import { bearer, createHarness, decodeJwt, problemOf, type Harness } from '../helpers/harness.js';

describe('registry rules: permissions at the call, attributes, legacy role, client grants, limits', () => {
  let h: Harness;
  let admin: string;
  let carolId: string;
  before(async () => {
    h = await createHarness();
    await h.addUser('alice', 'admin');
    carolId = (await h.addUser('carol', 'employee')).id;
    admin = (await h.login('alice', 'alice-Correct-Horse-42')).access_token;
  });
  after(() => h.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, token: string, payload?: unknown) =>
    h.app.inject({
      method,
      url,
      headers: bearer(token),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  it("a role holding Bulwark's audit:read opens the audit log to its holder, and only that", async () => {
    const role = await call('POST', '/api/roles', admin, {
      name: 'auditor',
      permissions: [{ api: BULWARK_API, permission: 'audit:read' }],
    });
    assert.equal(role.statusCode, 201, role.body);
    const before = (await h.login('carol', 'carol-Correct-Horse-42')).access_token;
    assert.equal((await call('GET', '/api/audit-events', before)).statusCode, 403);
    const set = await call('PUT', `/api/users/${carolId}/roles`, admin, { roles: ['employee', 'auditor'] });
    assert.equal(set.statusCode, 200, set.body);
    const carol = (await h.login('carol', 'carol-Correct-Horse-42')).access_token;
    assert.equal((await call('GET', '/api/audit-events', carol)).statusCode, 200);
    const users = await call('GET', '/api/users', carol);
    assert.equal(users.statusCode, 403);
    assert.equal(problemOf(users).code, 'forbidden');
  });

  it("the session admin routes check sessions:read / sessions:write at Bulwark's API, not the admin role", async () => {
    const bob = await h.addUser('bob', 'clerk');
    const clerk = (await h.login('bob', 'bob-Correct-Horse-42')).access_token;
    assert.equal((await call('GET', '/api/sessions', clerk)).statusCode, 403);
    const role = await call('POST', '/api/roles', admin, {
      name: 'session-watch',
      permissions: [{ api: BULWARK_API, permission: 'sessions:read' }],
    });
    assert.equal(role.statusCode, 201, role.body);
    assert.equal(
      (await call('PUT', `/api/users/${bob.id}/roles`, admin, { roles: ['clerk', 'session-watch'] })).statusCode,
      200,
    );
    const watcher = (await h.login('bob', 'bob-Correct-Horse-42')).access_token;
    const list = await call('GET', `/api/sessions?user_id=${bob.id}`, watcher);
    assert.equal(list.statusCode, 200, list.body);
    assert.ok(list.json<{ items: unknown[] }>().items.length >= 1);
    const revoke = await call('DELETE', `/api/users/${carolId}/sessions`, watcher);
    assert.equal(revoke.statusCode, 403, 'reading sessions is not ending them');
    assert.equal(problemOf(revoke).code, 'forbidden');
    assert.equal((await call('DELETE', `/api/users/${carolId}/sessions`, admin)).statusCode, 204);
  });

  it('a token of another audience never passes the permission check', async () => {
    const deps = h.services.permissions;
    const adminId = (await h.store.users.findByUsername('alice'))?.id ?? '';
    assert.equal(await holdsPermission(deps, { sub: adminId, aud: 'payroll' }, 'users:read'), true);
    assert.equal(await holdsPermission(deps, { sub: adminId, aud: BULWARK_API }, 'users:read'), true);
    assert.equal(await holdsPermission(deps, { sub: adminId, aud: 'https://inventory.example' }, 'users:read'), false);
  });

  it('PATCH {role} replaces the legacy role among the roles, keeping the others', async () => {
    const patched = await call('PATCH', `/api/users/${carolId}`, admin, { role: 'clerk' });
    assert.equal(patched.statusCode, 200, patched.body);
    const user = patched.json<{ role: string; roles: string[] }>();
    assert.equal(user.role, 'clerk');
    assert.deepEqual(user.roles, ['auditor', 'clerk']);
    const grant = await h.services.grants.userGrant(carolId, 'payroll');
    assert.deepEqual(grant?.permissions, ['profile', 'payroll:read']);

    // Without any legacy role the mirror stays but grants nothing; setting it again restores it.
    const dropped = await call('PUT', `/api/users/${carolId}/roles`, admin, { roles: ['auditor'] });
    assert.equal(dropped.statusCode, 200, dropped.body);
    assert.deepEqual(dropped.json<{ roles: string[]; role: string }>().roles, ['auditor']);
    assert.deepEqual((await h.services.grants.userGrant(carolId, 'payroll'))?.permissions, []);
    const restored = await call('PATCH', `/api/users/${carolId}`, admin, { role: 'clerk' });
    assert.deepEqual(restored.json<{ roles: string[] }>().roles, ['auditor', 'clerk']);
    assert.deepEqual((await h.services.grants.userGrant(carolId, 'payroll'))?.permissions, ['profile', 'payroll:read']);
  });

  it('attributes: validated, stored, shown, audited by name only; a change revokes the user', async () => {
    const token = (await h.login('carol', 'carol-Correct-Horse-42')).access_token;
    const set = await call('PATCH', `/api/users/${carolId}`, admin, {
      attributes: { department: 'stores', level: 3, sites: ['north', 'south'], remote: false, manager: null },
    });
    assert.equal(set.statusCode, 200, set.body);
    assert.deepEqual(set.json<{ attributes: unknown }>().attributes, {
      department: 'stores',
      level: 3,
      sites: ['north', 'south'],
      remote: false,
      manager: null,
    });
    assert.equal((await call('GET', '/api/users/me', token)).statusCode, 401, 'new attributes end the old tokens');
    // The frozen clock gives every event the same time: find this one by what it records.
    const audit = await h.store.audit.list({ type: 'user.updated' }, { limit: 100 });
    const event = audit.items.find((e) => 'attributes' in (e.details.changes as object));
    assert.ok(event !== undefined);
    assert.ok(!JSON.stringify(event.details).includes('stores'), 'values never reach the audit log');
    assert.deepEqual((event.details.changes as { attributes: { to: string[] } }).attributes.to, [
      'department',
      'level',
      'manager',
      'remote',
      'sites',
    ]);

    const tooMany = Object.fromEntries(Array.from({ length: REGISTRY_LIMITS.attributes + 1 }, (_, i) => [`a${i}`, i]));
    for (const attributes of [
      { sub: 'x' },
      { role: 'admin' },
      { 'Bad-Name': 1 },
      { nested: { a: 1 } },
      { list: [{ a: 1 }] },
      { big: 'x'.repeat(REGISTRY_LIMITS.attributesBytes) },
      tooMany,
    ]) {
      const refused = await call('PATCH', `/api/users/${carolId}`, admin, { attributes });
      assert.equal(refused.statusCode, 400, JSON.stringify(attributes).slice(0, 80));
      assert.equal(problemOf(refused).code, 'invalid_request');
    }
    const user = await h.store.users.findById(carolId);
    assert.equal(user?.attributes?.department, 'stores', 'a refused change changes nothing');
  });

  it("the employee link is payroll's attribute: set by employee_id or attributes, checked, carried by the APIs that list it", async () => {
    const hiro = { id: (await seedDemoPayroll(h.payroll)).carol as string };
    const dave = await h.addUser('dave', 'employee');
    const linked = await call('PATCH', `/api/users/${dave.id}`, admin, { employee_id: hiro.id });
    assert.equal(linked.statusCode, 200, linked.body);
    const view = linked.json<{ employee_id: string | null; attributes: Record<string, unknown> }>();
    assert.equal(view.employee_id, hiro.id);
    assert.deepEqual(view.attributes, { employee_id: hiro.id });
    // Other attributes keep the link unless they replace it.
    const more = await call('PATCH', `/api/users/${dave.id}`, admin, {
      attributes: { site: 'north', employee_id: hiro.id },
    });
    assert.equal(more.json<{ employee_id: string | null }>().employee_id, hiro.id);
    for (const attributes of [{ employee_id: 7 }, { employee_id: 'no-such-employee' }]) {
      const refused = await call('PATCH', `/api/users/${dave.id}`, admin, { attributes });
      assert.equal(refused.statusCode, 400, JSON.stringify(attributes));
      assert.equal(problemOf(refused).code, 'invalid_request');
    }
    assert.deepEqual((await h.store.users.findById(dave.id))?.attributes, { site: 'north', employee_id: hiro.id });

    // Payroll's API lists the claim (payroll registers it); a team's API that does not, carries none.
    const payrollApi = await h.services.registry.apiByIdentifier(h.services.grants.defaultApi());
    assert.ok(payrollApi.claims.includes('employee_id'), payrollApi.claims.join(' '));
    const token = (await h.login('dave', 'dave-Correct-Horse-42')).access_token;
    assert.equal(decodeJwt(token).claims.employee_id, hiro.id);
    const own = await call('GET', `/api/employees/${hiro.id}`, token);
    assert.equal(own.statusCode, 200, 'the employee reads their own record through the claim');

    const unlinked = await call('PATCH', `/api/users/${dave.id}`, admin, { employee_id: null });
    assert.deepEqual(unlinked.json<{ attributes: unknown }>().attributes, { site: 'north' });
    assert.equal(
      (await call('GET', `/api/employees/${hiro.id}`, token)).statusCode,
      401,
      'unlinking ends the old tokens',
    );
    const after = (await h.login('dave', 'dave-Correct-Horse-42')).access_token;
    assert.equal(decodeJwt(after).claims.employee_id, undefined);
    assert.equal((await call('GET', `/api/employees/${hiro.id}`, after)).statusCode, 404);
  });

  it("a new client's scope is granted per audience; an unregistered audience is registered", async () => {
    const { client } = await h.services.clients.create(
      {
        name: 'feed',
        scope: 'payroll:read ssf:poll inventory:read',
        audiences: ['payroll', 'https://inventory.example'],
      },
      null,
    );
    assert.deepEqual((await h.services.grants.clientGrant(client.id, 'payroll'))?.permissions, ['payroll:read']);
    assert.deepEqual((await h.services.grants.clientGrant(client.id, BULWARK_API))?.permissions, ['ssf:poll']);
    assert.deepEqual((await h.services.grants.clientGrant(client.id, 'https://inventory.example'))?.permissions, [
      'inventory:read',
    ]);
    // A scope no registered audience declares is refused, and no client is stored.
    const before = (await h.services.clients.list({ limit: 100 })).items.length;
    const refused = await call('POST', '/api/clients', admin, {
      name: 'x',
      scope: 'inventory:delete',
      audiences: ['https://inventory.example'],
    });
    assert.equal(refused.statusCode, 400);
    assert.equal(problemOf(refused).code, 'unknown_permission');
    assert.equal((await h.services.clients.list({ limit: 100 })).items.length, before);
  });

  it(`the ${REGISTRY_LIMITS.roles + 1}st role is refused (409 registry_limit) and nothing changes`, async () => {
    const existing = (await h.services.registry.cache.current()).roles.length;
    const now = h.clock.now();
    for (let i = existing; i < REGISTRY_LIMITS.roles; i++)
      await h.store.registry.createRole({
        id: `role_bulk_${i}`,
        name: `bulk-${i}`,
        description: '',
        permissions: [],
        builtIn: false,
        createdAt: now,
        updatedAt: now,
      });
    await h.services.registry.cache.reload();
    const refused = await call('POST', '/api/roles', admin, { name: 'one-too-many' });
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(problemOf(refused).code, 'registry_limit');
    assert.equal((await h.services.registry.cache.current()).roles.length, REGISTRY_LIMITS.roles);
  });
});

describe('the registry held in memory', () => {
  it("sees another process's change within its refresh interval, and fails closed when it cannot check", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-registry-'));
    const a = await openStore({ dataDir: dir });
    const b = await openStore({ dataDir: dir });
    try {
      let t = 0;
      const cache = new RegistryCache(b.registry, 2_000, () => t);
      const before = await cache.current();
      const now = Date.now();
      await a.registry.createRole({
        id: 'role_x',
        name: 'x',
        description: '',
        permissions: [],
        builtIn: false,
        createdAt: now,
        updatedAt: now,
      });
      t = 1_999;
      assert.equal((await cache.current()).roleByName('x'), undefined, 'within the interval: memory');
      t = 2_000;
      const after = await cache.current();
      assert.ok(after.roleByName('x') !== undefined);
      assert.ok(after.version > before.version);
      await b.close();
      t = 4_000;
      await assert.rejects(cache.current(), (error: unknown) => error instanceof ServiceUnavailableError);
    } finally {
      await a.close();
      await b.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the default API follows BULWARK_AUDIENCE', () => {
  it('a store migrated with the legacy `payroll` takes the configured audience at start-up, and keeps it', async () => {
    const h = await createHarness({ BULWARK_AUDIENCE: 'https://payroll.example' });
    try {
      const alice = await h.addUser('alice', 'admin');
      const token = (await h.login('alice', 'alice-Correct-Horse-42')).access_token;
      const apis = await h.app.inject({ method: 'GET', url: '/api/apis', headers: bearer(token) });
      assert.equal(apis.statusCode, 200, apis.body);
      const identifiers = apis.json<{ items: Array<{ identifier: string }> }>().items.map((a) => a.identifier);
      assert.deepEqual(identifiers.sort(), ['https://payroll.example', BULWARK_API]);
      assert.equal(h.services.grants.defaultApi(), 'https://payroll.example');
      assert.deepEqual((await h.services.grants.userGrant(alice.id, 'https://payroll.example'))?.permissions, [
        'profile',
        'payroll:read',
        'payroll:write',
        'admin',
      ]);
      await h.restart();
      assert.deepEqual((await h.services.registry.cache.current()).apis.map((a) => a.identifier).sort(), [
        'https://payroll.example',
        BULWARK_API,
      ]);
    } finally {
      await h.close();
    }
  });
});

describe('payroll registers the permissions it checks at its API (issue #18 item 5)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  it('adds a missing one through the registry (audited), keeps what an admin added, and writes nothing when all are there', async () => {
    const registry = h.services.registry;
    const api = await registry.apiByIdentifier(h.services.grants.defaultApi());
    assert.deepEqual(
      PAYROLL_PERMISSION_LIST.map((p) => api.permissions.some((q) => q.name === p.name)),
      [true, true, true],
    );
    // As if an older release or an administrator had left payroll:read:self out, and added one of its own.
    const kept = api.permissions.filter((p) => p.name !== PAYROLL_PERMISSIONS.readSelf);
    await h.store.registry.updateApi(api.id, {
      permissions: [...kept, { name: 'payroll:export', description: 'Export' }],
      updatedAt: Date.now(),
    });
    await registry.cache.reload();
    const auditedBefore = (await h.store.audit.list({ type: 'api.updated' }, { limit: 50 })).items.length;

    await ensureApi(registry, api.identifier, { permissions: PAYROLL_PERMISSION_LIST });
    const after = await registry.apiByIdentifier(api.identifier);
    const names = after.permissions.map((p) => p.name);
    assert.ok(names.includes(PAYROLL_PERMISSIONS.readSelf), names.join(' '));
    assert.ok(names.includes('payroll:export'), 'what an administrator added stays');
    const audited = (await h.store.audit.list({ type: 'api.updated' }, { limit: 50 })).items;
    assert.equal(audited.length, auditedBefore + 1);
    assert.equal(audited[0]?.actorId, null);

    await ensureApi(registry, api.identifier, { permissions: PAYROLL_PERMISSION_LIST });
    assert.equal((await h.store.audit.list({ type: 'api.updated' }, { limit: 50 })).items.length, auditedBefore + 1);
    assert.deepEqual((await registry.apiByIdentifier(api.identifier)).permissions, after.permissions);
  });
});
