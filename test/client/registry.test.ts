/** `client.registry` against the real app (listening on a port): APIs, roles and a user's roles (contract §15). */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { BulwarkProblemError, createBulwarkClient, type BulwarkClient } from '@bulwark/client';
import { createHarness, type Harness } from '../helpers/harness.js';

describe('client.registry against the server', () => {
  let h: Harness;
  let admin: BulwarkClient;
  let clerk: BulwarkClient;
  let daveId: string;
  /** Dave's roles as the users list reads them (there is no GET /api/users/{id}). */
  const rolesOfDave = async () =>
    (
      await admin.request<{ items: Array<{ id: string; roles: string[] }> }>('GET', '/api/users', {
        query: { limit: 100 },
      })
    ).items.find((u) => u.id === daveId)?.roles;

  before(async () => {
    h = await createHarness();
    await h.addUser('alice', 'admin');
    await h.addUser('bob', 'clerk');
    daveId = (await h.addUser('dave', 'clerk')).id;
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const baseUrl = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    admin = createBulwarkClient({ baseUrl, dpop: false, channelName: 'registry-admin' });
    clerk = createBulwarkClient({ baseUrl, dpop: false, channelName: 'registry-clerk' });
    await admin.signIn('alice', 'alice-Correct-Horse-42');
    await clerk.signIn('bob', 'bob-Correct-Horse-42');
  });
  after(async () => {
    admin?.close();
    clerk?.close();
    await h?.close();
  });

  it('creates an API and a role, assigns the role, and reads each back', async () => {
    const api = await admin.registry.createApi({
      identifier: 'https://inventory.example',
      name: 'Inventory',
      permissions: [{ name: 'stock:read', description: 'Read stock' }, { name: 'stock:write' }],
      access_token_ttl: 300,
    });
    assert.equal(api.identifier, 'https://inventory.example');
    assert.equal(api.built_in, false);
    assert.deepEqual(await admin.registry.getApi(api.id), api);
    const apis = await admin.registry.listApis({ limit: 100 });
    assert.deepEqual(apis.items.map((a) => a.identifier).sort(), [
      'https://inventory.example',
      'payroll',
      'urn:bulwark:api',
    ]);
    assert.equal(apis.next_cursor, null);

    const renamed = await admin.registry.updateApi(api.id, {
      name: 'Stock',
      permissions: [
        { name: 'stock:read', description: 'Read stock' },
        { name: 'stock:write', description: 'Move stock' },
      ],
    });
    assert.equal(renamed.name, 'Stock');
    assert.deepEqual(renamed.permissions, [
      { name: 'stock:read', description: 'Read stock' },
      { name: 'stock:write', description: 'Move stock' },
    ]);

    const role = await admin.registry.createRole({
      name: 'stock-keeper',
      description: 'Keeps the stock',
      permissions: [{ api: 'https://inventory.example', permission: 'stock:read' }],
    });
    assert.equal(role.name, 'stock-keeper');
    assert.deepEqual(await admin.registry.getRole(role.id), role);
    const changed = await admin.registry.updateRole(role.id, {
      permissions: [
        { api: 'https://inventory.example', permission: 'stock:read' },
        { api: 'https://inventory.example', permission: 'stock:write' },
      ],
    });
    assert.equal(changed.permissions.length, 2);
    assert.ok((await admin.registry.listRoles()).items.some((r) => r.id === role.id));

    const dave = await admin.registry.setUserRoles(daveId, ['clerk', 'stock-keeper']);
    assert.deepEqual(dave.roles, ['clerk', 'stock-keeper']);
    assert.deepEqual(await rolesOfDave(), ['clerk', 'stock-keeper']);

    // Deleting in order: the role first (its holder loses it), then the API no role references.
    await admin.registry.setUserRoles(daveId, ['clerk']);
    assert.equal(await admin.registry.deleteRole(role.id), undefined);
    assert.equal(await admin.registry.deleteApi(api.id), undefined);
    const gone = await admin.registry.getApi(api.id).catch((e: unknown) => e);
    assert.ok(gone instanceof BulwarkProblemError);
    assert.equal(gone.status, 404);
    assert.equal(gone.code, 'not_found');
  });

  it('a refused call surfaces as BulwarkProblemError with its code, and changes nothing', async () => {
    const api = await admin.registry.createApi({
      identifier: 'https://billing.example',
      name: 'Billing',
      permissions: [{ name: 'invoices:read' }],
    });
    const role = await admin.registry.createRole({
      name: 'biller',
      permissions: [{ api: 'https://billing.example', permission: 'invoices:read' }],
    });

    const inUse = await admin.registry.deleteApi(api.id).catch((e: unknown) => e);
    assert.ok(inUse instanceof BulwarkProblemError);
    assert.equal(inUse.status, 409);
    assert.equal(inUse.code, 'api_in_use');
    assert.equal((await admin.registry.getApi(api.id)).identifier, 'https://billing.example');

    const duplicate = await admin.registry
      .createApi({ identifier: 'https://billing.example', name: 'Again' })
      .catch((e: unknown) => e);
    assert.ok(duplicate instanceof BulwarkProblemError);
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.code, 'conflict');

    const unknown = await admin.registry.setUserRoles(daveId, ['no-such-role']).catch((e: unknown) => e);
    assert.ok(unknown instanceof BulwarkProblemError);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.code, 'unknown_role');
    assert.deepEqual(await rolesOfDave(), ['clerk']);

    const refused = await clerk.registry.createRole({ name: 'sneaky' }).catch((e: unknown) => e);
    assert.ok(refused instanceof BulwarkProblemError);
    assert.equal(refused.status, 403);
    assert.equal(refused.code, 'forbidden');
    assert.ok(!(await admin.registry.listRoles({ limit: 100 })).items.some((r) => r.name === 'sneaky'));
    assert.ok((await admin.registry.listRoles({ limit: 100 })).items.some((r) => r.id === role.id));
  });
});
