// test-runner: serial (bounds a logout's latency at a third-party service)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify } from 'jose';
import { runCli } from '../helpers/process.js';
import {
  login,
  logoutToFirst401,
  startExample,
  startTokenService,
  whoami,
  type ExampleProcess,
  type TokenService,
} from './helpers.js';

/**
 * Issue #18 item 6: a team's own API that is not payroll. A token service runs as a process; the
 * team registers its inventory API, two roles on it, two users and the service's feed client with
 * the CLI against the same data dir, as the example's README says; examples/inventory-service runs
 * as a process of its own and trusts Bulwark only through @bulwark/guard.
 */
const INVENTORY = 'https://inventory.example.com/api';
const PASSWORD = 'a long passphrase for the stock room';
const BEARER = 'Bearer realm="bulwark"';

interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
}

describe("examples/inventory-service: a team's own API, registered with the CLI, behind the guard", () => {
  let service: TokenService;
  let example: ExampleProcess;
  let cliEnv: Record<string, string>;

  const cli = async (args: string[], stdin?: string): Promise<string> => {
    const result = await runCli(args, cliEnv, stdin);
    assert.equal(result.code, 0, `bulwark ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };

  /** POST /api/users-sessions for the inventory API (RFC 8707 resource). */
  const loginAtInventory = (username: string): Promise<Response> =>
    fetch(`${service.server.url}/api/users-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD, resource: INVENTORY }),
    });
  const inventoryToken = async (username: string): Promise<string> => {
    const response = await loginAtInventory(username);
    assert.equal(response.status, 201, await response.clone().text());
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const call = (path: string, token: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${example.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
    });

  before(async () => {
    service = await startTokenService();
    // The CLI as a team runs it next to the running server: same data dir, no demo seed of its own.
    cliEnv = { BULWARK_DATA_DIR: service.dataDir, BULWARK_ISSUER: service.issuer, BULWARK_DEMO: '0' };
    const api = JSON.parse(
      await cli([
        'apis',
        'add',
        INVENTORY,
        '--name',
        'Inventory',
        '--permission',
        'inventory:read=List and read items',
        '--permission',
        'inventory:write=Add items and change stock',
        '--json',
      ]),
    ) as { identifier: string; permissions: Array<{ name: string }> };
    assert.equal(api.identifier, INVENTORY);
    assert.deepEqual(
      api.permissions.map((p) => p.name),
      ['inventory:read', 'inventory:write'],
    );
    await cli(['roles', 'add', 'stock-clerk', '--api', INVENTORY, '--permission', 'inventory:read']);
    await cli([
      'roles',
      'add',
      'stock-manager',
      '--api',
      INVENTORY,
      '--permission',
      'inventory:read',
      '--permission',
      'inventory:write',
    ]);
    for (const [username, role] of [
      ['dora', 'stock-clerk'],
      ['mark', 'stock-manager'],
    ] as const) {
      await cli(['users', 'add', '--username', username, '--role', 'employee', '--password-stdin'], PASSWORD);
      assert.equal((await cli(['users', 'grant', username, role])).trim(), `${username}: employee ${role}`);
    }
    const client = JSON.parse(
      await cli(['clients', 'add', '--name', 'inventory-service', '--scope', 'ssf:poll', '--json']),
    ) as { client_id: string; client_secret: string };
    example = await startExample('inventory-service', service, 15_000, {
      INVENTORY_API: INVENTORY,
      BULWARK_CLIENT_ID: client.client_id,
      BULWARK_CLIENT_SECRET: client.client_secret,
    });
    // The server sees registry changes made by another process at its next version check, at most
    // 2 s later (contract §15.3 "Freshness"): the first login for the new API may wait for that.
    const since = Date.now();
    for (;;) {
      const response = await loginAtInventory('mark');
      const text = await response.text();
      if (response.status === 201) break;
      assert.ok(Date.now() - since < 3_000, `no token for ${INVENTORY} after 3 s: ${response.status} ${text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  after(async () => {
    await example?.stop();
    await service?.close();
  });

  it('gives a token for the inventory API: a manager writes (201) and both roles read (200)', async () => {
    const manager = await inventoryToken('mark');
    const claims = decodeJwt(manager);
    assert.deepEqual([claims.aud].flat(), [INVENTORY]);
    assert.deepEqual(String(claims.scope).split(' ').sort(), ['inventory:read', 'inventory:write']);
    assert.deepEqual(claims.roles, ['stock-manager'], 'only the roles that grant something at this API');

    const created = await call('/items', manager, {
      method: 'POST',
      body: JSON.stringify({ name: 'M8 bolts', stock: 500 }),
    });
    assert.equal(created.status, 201);
    const item = (await created.json()) as { id: string; name: string; stock: number; updated_by: string };
    assert.deepEqual(
      { ...item, id: undefined },
      { id: undefined, name: 'M8 bolts', stock: 500, updated_by: claims.sub },
    );

    const clerk = await inventoryToken('dora');
    for (const token of [manager, clerk]) {
      const list = await call('/items', token);
      assert.equal(list.status, 200);
      assert.deepEqual(((await list.json()) as { items: unknown[] }).items, [item]);
      const one = await call(`/items/${item.id}`, token);
      assert.equal(one.status, 200);
      assert.deepEqual(await one.json(), item);
    }
    const health = (await (await fetch(`${example.url}/healthz`)).json()) as { revocation_staleness_ms: number };
    assert.equal(health.revocation_staleness_ms, 0, 'the feed long poll is open');
  });

  it('answers bad input with 400 problem+json and writes nothing, an unknown item with 404', async () => {
    const manager = await inventoryToken('mark');
    const before = ((await (await call('/items', manager)).json()) as { items: unknown[] }).items;
    for (const body of [
      { name: 'Nuts', stock: -1 },
      { name: 'Nuts', stock: '5' },
      { name: 'Nuts', stock: 5, price: 3 },
      { stock: 5 },
    ]) {
      const response = await call('/items', manager, { method: 'POST', body: JSON.stringify(body) });
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(((await response.json()) as Problem).code, 'invalid_request');
    }
    const after = ((await (await call('/items', manager)).json()) as { items: unknown[] }).items;
    assert.deepEqual(after, before);
    const missing = await call('/items/no-such-item', manager);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as Problem).code, 'not_found');
  });

  it('issues a token any JOSE library verifies for the inventory audience (jose, remote JWKS)', async () => {
    const token = await inventoryToken('dora');
    const jwks = createRemoteJWKSet(new URL(`${service.issuer}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: service.issuer,
      audience: INVENTORY,
      typ: 'at+jwt',
    });
    assert.equal(payload.scope, 'inventory:read');
    assert.deepEqual(payload.roles, ['stock-clerk']);
    assert.equal(typeof protectedHeader.kid, 'string');
    await assert.rejects(
      jwtVerify(token, jwks, { issuer: service.issuer, audience: 'payroll' }),
      (error: unknown) => error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud',
    );
  });

  it('refuses a payroll token (aud payroll) with 401 invalid_token, the reason kept out of the body', async () => {
    const payroll = await login(service, 'alice');
    assert.deepEqual([decodeJwt(payroll).aud].flat(), ['payroll']);
    for (const path of ['/items', '/whoami']) {
      const response = await call(path, payroll);
      assert.equal(response.status, 401);
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(response.headers.get('www-authenticate'), `${BEARER}, error="invalid_token"`);
      const body = (await response.json()) as Problem;
      assert.equal(body.code, 'invalid_token');
      assert.deepEqual(Object.keys(body).sort(), ['code', 'detail', 'status', 'title', 'type']);
      // The same uniform detail as for any refused token: nothing says it was the audience.
      assert.doesNotMatch(JSON.stringify(body), /aud|payroll|inventory|rejected/i);
    }
    // And the other way round: payroll (the token service's own resource server) refuses it too.
    const inventory = await inventoryToken('mark');
    const atPayroll = await fetch(`${service.server.url}/api/employees`, {
      headers: { authorization: `Bearer ${inventory}` },
    });
    assert.equal(atPayroll.status, 401);
    assert.equal(((await atPayroll.json()) as Problem).code, 'invalid_token');
  });

  it('answers 403 with the RFC 6750 insufficient_scope challenge when inventory:write is missing', async () => {
    const clerk = await inventoryToken('dora');
    const before = ((await (await call('/items', clerk)).json()) as { items: unknown[] }).items;
    const refused = await call('/items', clerk, {
      method: 'POST',
      body: JSON.stringify({ name: 'Washers', stock: 1 }),
    });
    assert.equal(refused.status, 403);
    assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(
      refused.headers.get('www-authenticate'),
      `${BEARER}, error="insufficient_scope", scope="inventory:write"`,
    );
    const body = (await refused.json()) as Problem;
    assert.equal(body.status, 403);
    assert.equal(body.code, 'forbidden');
    const afterwards = ((await (await call('/items', clerk)).json()) as { items: unknown[] }).items;
    assert.deepEqual(afterwards, before, 'nothing was written');
  });

  it('shows the RFC 9068 roles array on /whoami', async () => {
    const token = await inventoryToken('mark');
    const response = await whoami(example, token);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      sub: decodeJwt(token).sub,
      roles: ['stock-manager'],
      scope: 'inventory:read inventory:write',
    });
  });

  it("refuses a logged-out user's inventory token within a second", async () => {
    const token = await inventoryToken('dora');
    assert.equal((await whoami(example, token)).status, 200);
    assert.equal((await call('/items', token)).status, 200);
    const took = await logoutToFirst401(service, example, token);
    // eslint-disable-next-line no-console
    console.log(`inventory-service: logout answered -> first 401 in ${took.toFixed(1)} ms`);
    assert.ok(took < 1_000, `took ${took} ms`);
    assert.equal((await call('/items', token)).status, 401);
  });

  // Last: it takes mark's role away.
  it('ends the live tokens at the service when the CLI takes the role away, and issues none after', async () => {
    const token = await inventoryToken('mark');
    assert.equal((await whoami(example, token)).status, 200);
    assert.equal((await cli(['users', 'ungrant', 'mark', 'stock-manager'])).trim(), 'mark: employee');
    // Another process changed the store: the server learns of it at its next sync (at most 2 s,
    // contract §15.3), the service from the feed at once.
    const since = performance.now();
    while ((await whoami(example, token)).status !== 401) {
      assert.ok(performance.now() - since < 3_000, 'the revocation reaches the service');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // mark now holds nothing at the inventory API: a clear 4xx, never a token with an empty scope.
    for (;;) {
      const response = await loginAtInventory('mark');
      const body = (await response.json()) as Partial<Problem> & { access_token?: string };
      if (response.status !== 201) {
        assert.ok(response.status >= 400 && response.status < 500, `${response.status}`);
        assert.equal(typeof body.code, 'string');
        assert.equal(body.access_token, undefined);
        break;
      }
      assert.ok(performance.now() - since < 3_000, 'the registry change reaches the login');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
});
