import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { ACCESS_TOKEN_MAX_BYTES, BULWARK_API } from '@bulwark/contract';
import { createAuthorizer } from '../../packages/guard/src/authorize/authorize.js';
import { bearer, createHarness, decodeJwt, ISSUER, problemOf, type Harness } from '../helpers/harness.js';
import { oauthError, postForm } from '../oauth/support.js';

const INVENTORY = 'https://inventory.example/api';
const PASSWORD = 'erin-Correct-Horse-42';

/** Issue #18 item 3-4, contract §15.5-15.7: tokens for the API asked for, with its permissions, roles and claims. */
describe('tokens for the API asked for (RFC 8707 resource, scope, roles, attribute claims)', () => {
  let h: Harness;
  let admin: string;
  let erinId: string;
  before(async () => {
    h = await createHarness();
    await h.addUser('alice', 'admin');
    erinId = (await h.addUser('erin', 'employee', PASSWORD)).id;
    admin = (await h.login('alice', 'alice-Correct-Horse-42')).access_token;
    const api = await call('POST', '/api/apis', admin, {
      identifier: INVENTORY,
      name: 'Inventory',
      permissions: [{ name: 'inventory:read' }, { name: 'inventory:write' }, { name: 'inventory:audit' }],
      access_token_ttl: 300,
      claims: ['department', 'site'],
    });
    assert.equal(api.statusCode, 201, api.body);
    for (const [name, permissions] of [
      ['stock-clerk', ['inventory:read']],
      ['stock-manager', ['inventory:read', 'inventory:write']],
    ] as const) {
      const role = await call('POST', '/api/roles', admin, {
        name,
        permissions: permissions.map((permission) => ({ api: INVENTORY, permission })),
      });
      assert.equal(role.statusCode, 201, role.body);
    }
    const roles = await call('PUT', `/api/users/${erinId}/roles`, admin, {
      roles: ['employee', 'stock-clerk', 'stock-manager'],
    });
    assert.equal(roles.statusCode, 200, roles.body);
    const attributes = await call('PATCH', `/api/users/${erinId}`, admin, {
      attributes: { department: 'logistics', cost_centre: 'CC-7' },
    });
    assert.equal(attributes.statusCode, 200, attributes.body);
  });
  after(() => h.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, token: string, payload?: unknown) =>
    h.app.inject({
      method,
      url,
      headers: bearer(token),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const login = (extra: Record<string, unknown>, username = 'erin', password = PASSWORD) =>
    h.app.inject({ method: 'POST', url: '/api/users-sessions', payload: { username, password, ...extra } });
  const refresh = (refreshToken: string, extra: Record<string, unknown> = {}) =>
    h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/refresh',
      payload: { refresh_token: refreshToken, ...extra },
    });
  const activeSessions = async (userId: string): Promise<number> => {
    const listed = await call('GET', `/api/sessions?user_id=${userId}`, admin);
    assert.equal(listed.statusCode, 200, listed.body);
    return listed.json<{ items: Array<{ revoked_at: string | null }> }>().items.filter((i) => i.revoked_at === null)
      .length;
  };

  it('login with resource: aud the API, scope what the user holds there, roles granting it, the API lifetime and its claims', async () => {
    const response = await login({ resource: INVENTORY });
    assert.equal(response.statusCode, 201, response.body);
    const body = response.json<{ access_token: string; scope: string; expires_in: number }>();
    assert.equal(body.scope, 'inventory:read inventory:write');
    assert.equal(body.expires_in, 300);
    const { claims } = decodeJwt(body.access_token);
    assert.equal(claims.aud, INVENTORY);
    assert.equal(claims.scope, 'inventory:read inventory:write');
    assert.deepEqual(claims.roles, ['stock-clerk', 'stock-manager'], 'RFC 9068 roles: those granting something here');
    assert.equal((claims.exp as number) - (claims.iat as number), 300);
    assert.equal(claims.department, 'logistics', 'an attribute the API lists');
    assert.equal(claims.cost_centre, undefined, 'an attribute the API does not list stays out');
    assert.equal(claims.site, undefined, 'a listed attribute the user lacks is absent, not null');
    assert.equal(claims.role, undefined, 'the legacy role is the default API’s claim only');
    assert.equal(claims.sub, erinId);
    // A third party verifies it with jose against the JWKS, for its own audience.
    const jwks = (await h.app.inject({ url: '/.well-known/jwks.json' })).json();
    const verified = await jwtVerify(body.access_token, createLocalJWKSet(jwks), {
      issuer: ISSUER,
      audience: INVENTORY,
      typ: 'at+jwt',
      currentDate: new Date(h.clock.now()),
    });
    assert.deepEqual(verified.payload.roles, ['stock-clerk', 'stock-manager']);
    // Bulwark's own routes and payroll refuse a token for another API (audience).
    assert.equal((await call('GET', '/api/users/me', body.access_token)).statusCode, 401);
    assert.equal((await call('GET', '/api/employees', body.access_token)).statusCode, 401);
  });

  it('no resource: the default API, with the legacy claims, exactly as before the registry', async () => {
    const response = await login({});
    assert.equal(response.statusCode, 201, response.body);
    const { claims } = decodeJwt(response.json().access_token);
    assert.equal(claims.aud, 'payroll');
    assert.equal(claims.scope, 'profile payroll:read:self');
    assert.equal(claims.role, 'employee');
    assert.deepEqual(claims.roles, ['employee']);
    assert.equal(claims.department, undefined, 'the default API lists no attribute claims');
    assert.equal(response.json().scope, 'profile payroll:read:self');
  });

  it('scope narrows the token, and its roles to those granting what is left', async () => {
    const response = await login({ resource: INVENTORY, scope: 'inventory:read' });
    assert.equal(response.statusCode, 201, response.body);
    const { claims } = decodeJwt(response.json().access_token);
    assert.equal(claims.scope, 'inventory:read');
    assert.deepEqual(claims.roles, ['stock-clerk', 'stock-manager']);
    const write = decodeJwt((await login({ resource: INVENTORY, scope: 'inventory:write' })).json().access_token);
    assert.deepEqual(write.claims.roles, ['stock-manager']);
  });

  it('refuses a bad target with a clear 4xx and leaves no live session', async () => {
    const before = await activeSessions(erinId);
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ resource: 'https://unknown.example/api' }, 400, 'invalid_target'],
      [{ resource: 'not a uri' }, 400, 'invalid_target'],
      [{ resource: `${INVENTORY}#frag` }, 400, 'invalid_target'],
      [{ resource: [INVENTORY, INVENTORY] }, 400, 'invalid_request'],
      [{ resource: INVENTORY, scope: 'inventory:read inventory:audit' }, 400, 'invalid_scope'],
      [{ resource: INVENTORY, scope: 'payroll:read' }, 400, 'invalid_scope'],
      [{ resource: INVENTORY, scope: 'bad"scope' }, 400, 'invalid_scope'],
      [{ resource: INVENTORY, scope: '   ' }, 400, 'invalid_scope'],
    ];
    for (const [extra, status, code] of cases) {
      const response = await login(extra);
      assert.equal(response.statusCode, status, `${JSON.stringify(extra)}: ${response.body}`);
      assert.equal(problemOf(response).code, code, JSON.stringify(extra));
    }
    assert.equal(await activeSessions(erinId), before, 'no refused login left a session');
  });

  it('an API where the user holds nothing: 403 resource_not_granted, never a token with an empty scope', async () => {
    await h.addUser('frank', 'employee', 'frank-Correct-Horse-42');
    const response = await login({ resource: INVENTORY }, 'frank', 'frank-Correct-Horse-42');
    assert.equal(response.statusCode, 403, response.body);
    assert.equal(problemOf(response).code, 'resource_not_granted');
    // The wrong password is still the same 401 whatever the resource (no oracle).
    const wrong = await login({ resource: INVENTORY }, 'frank', 'not-the-Password-1');
    assert.equal(problemOf(wrong).code, 'invalid_credentials');
  });

  it('one session gets tokens for several APIs with its refresh token; a refused target leaves the token unused', async () => {
    const first = (await login({})).json<{ refresh_token: string; session_id: string }>();
    const refused = await refresh(first.refresh_token, { resource: 'https://unknown.example/api' });
    assert.equal(problemOf(refused).code, 'invalid_target');
    const inventory = await refresh(first.refresh_token, { resource: INVENTORY });
    assert.equal(inventory.statusCode, 200, 'the refused refresh did not use the token up');
    const invClaims = decodeJwt(inventory.json().access_token).claims;
    assert.equal(invClaims.aud, INVENTORY);
    assert.equal(invClaims.sid, first.session_id, 'the same session');
    const back = await refresh(inventory.json().refresh_token, {});
    assert.equal(decodeJwt(back.json().access_token).claims.aud, 'payroll');
    // The OAuth endpoint takes the same target, in its form; one resource per request.
    const viaOauth = await postForm(h, '/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: back.json().refresh_token,
      resource: INVENTORY,
      scope: 'inventory:read',
    });
    assert.equal(viaOauth.statusCode, 200, viaOauth.body);
    assert.equal(viaOauth.json().scope, 'inventory:read');
    assert.equal(decodeJwt(viaOauth.json().access_token).claims.aud, INVENTORY);
    const next = viaOauth.json().refresh_token as string;
    oauthError(
      await postForm(h, '/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: next,
        resource: [INVENTORY, 'payroll'],
      }),
      400,
      'invalid_target',
    );
    oauthError(
      await postForm(h, '/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: next,
        resource: 'https://nope.example',
      }),
      400,
      'invalid_target',
    );
    oauthError(
      await postForm(h, '/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: next,
        resource: INVENTORY,
        scope: 'inventory:audit',
      }),
      400,
      'invalid_scope',
    );
    const still = await postForm(h, '/oauth/token', { grant_type: 'refresh_token', refresh_token: next });
    assert.equal(still.statusCode, 200, 'the refusals above left the token unused');
  });

  it("Bulwark's own API: an admin's token for urn:bulwark:api manages users and reads no payroll", async () => {
    const response = await login({ resource: BULWARK_API }, 'alice', 'alice-Correct-Horse-42');
    assert.equal(response.statusCode, 201, response.body);
    const token = response.json().access_token as string;
    const { claims } = decodeJwt(token);
    assert.equal(claims.aud, BULWARK_API);
    assert.ok(String(claims.scope).split(' ').includes('users:read'));
    assert.equal(claims.role, undefined);
    assert.equal((await call('GET', '/api/users', token)).statusCode, 200);
    assert.equal((await call('GET', '/api/users/me', token)).statusCode, 200);
    const payroll = await call('GET', '/api/employees', token);
    assert.equal(payroll.statusCode, 403, 'no payroll permission is held at Bulwark’s API');
  });

  it('logout works with a token of any API the session got, and ends the session everywhere', async () => {
    const pair = (await login({ resource: INVENTORY })).json<{ access_token: string; refresh_token: string }>();
    const out = await h.app.inject({
      method: 'DELETE',
      url: '/api/users-sessions/current',
      headers: bearer(pair.access_token),
    });
    assert.equal(out.statusCode, 204, out.body);
    assert.equal(problemOf(await refresh(pair.refresh_token)).code, 'invalid_grant');
    const again = await h.app.inject({
      method: 'DELETE',
      url: '/api/users-sessions/current',
      headers: bearer(pair.access_token),
    });
    assert.equal(again.statusCode, 401, 'the logged-out token is refused');
    assert.equal((await call('DELETE', '/api/users-sessions/current', 'forged.token.here')).statusCode, 401);
  });

  it(`a token larger than ${ACCESS_TOKEN_MAX_BYTES} bytes is refused (400 token_too_large), leaving no live session`, async () => {
    const big = 'https://big.example/api';
    const permissions = Array.from({ length: 100 }, (_, i) => ({
      name: `big:${String(i).padStart(3, '0')}:${'p'.repeat(80)}`,
    }));
    assert.equal(
      (await call('POST', '/api/apis', admin, { identifier: big, name: 'Big', permissions })).statusCode,
      201,
    );
    const role = await call('POST', '/api/roles', admin, {
      name: 'big-holder',
      permissions: permissions.map((p) => ({ api: big, permission: p.name })),
    });
    assert.equal(role.statusCode, 201, role.body);
    const gina = await h.addUser('gina', 'employee', 'gina-Correct-Horse-42');
    assert.equal(
      (await call('PUT', `/api/users/${gina.id}/roles`, admin, { roles: ['employee', 'big-holder'] })).statusCode,
      200,
    );
    const refused = await login({ resource: big }, 'gina', 'gina-Correct-Horse-42');
    assert.equal(refused.statusCode, 400, refused.body);
    assert.equal(problemOf(refused).code, 'token_too_large');
    assert.equal(await activeSessions(gina.id), 0);
    // A narrower scope fits.
    const narrow = await login({ resource: big, scope: permissions[0]?.name }, 'gina', 'gina-Correct-Horse-42');
    assert.equal(narrow.statusCode, 201, narrow.body);
    assert.ok(narrow.json().access_token.length <= ACCESS_TOKEN_MAX_BYTES);
  });

  it('client_credentials: a client is granted per API; no resource picks the API holding the scope asked for', async () => {
    const { client, secret } = await h.services.clients.create(
      { name: 'stock-sync', scope: 'inventory:read ssf:poll', audiences: [INVENTORY] },
      null,
    );
    const auth = { authorization: `Basic ${Buffer.from(`${client.id}:${secret as string}`).toString('base64')}` };
    const inv = await postForm(h, '/oauth/token', { grant_type: 'client_credentials' }, auth);
    assert.equal(inv.statusCode, 200, inv.body);
    assert.equal(decodeJwt(inv.json().access_token).claims.aud, INVENTORY);
    assert.equal(inv.json().scope, 'inventory:read');
    const feed = await postForm(h, '/oauth/token', { grant_type: 'client_credentials', scope: 'ssf:poll' }, auth);
    assert.equal(feed.statusCode, 200, feed.body);
    assert.equal(decodeJwt(feed.json().access_token).claims.aud, BULWARK_API);
    oauthError(
      await postForm(h, '/oauth/token', { grant_type: 'client_credentials', resource: 'payroll' }, auth),
      400,
      'invalid_target',
    );
  });

  it("a feed reader made with ssf:poll alone and no audience is listed at Bulwark's API, where its tokens are for", async () => {
    const { client, secret } = await h.services.clients.create({ name: 'feed-reader', scope: 'ssf:poll' }, null);
    assert.deepEqual(client.audiences, [BULWARK_API]);
    const listed = await call('GET', '/api/clients?limit=100', admin);
    assert.equal(listed.statusCode, 200, listed.body);
    const view = listed.json<{ items: Array<{ client_id: string; audiences: string[] }> }>();
    assert.deepEqual(view.items.find((c) => c.client_id === client.id)?.audiences, [BULWARK_API]);
    const auth = { authorization: `Basic ${Buffer.from(`${client.id}:${secret as string}`).toString('base64')}` };
    const feed = await postForm(h, '/oauth/token', { grant_type: 'client_credentials' }, auth);
    assert.equal(feed.statusCode, 200, feed.body);
    assert.equal(decodeJwt(feed.json().access_token).claims.aud, BULWARK_API);
    assert.equal(feed.json().scope, 'ssf:poll');
    // Another scope beside it keeps the default API as its audience, as before.
    const both = await h.services.clients.create({ name: 'both', scope: 'payroll:read ssf:poll' }, null);
    assert.deepEqual(both.client.audiences, [h.config.audience]);
  });
});

describe('the guard’s roles option reads RFC 9068 roles as well as the legacy role', () => {
  const base = { iss: ISSUER, sub: 'u', aud: 'a', exp: 2, iat: 1, jti: 'j' };
  it('passes a token whose roles list holds one of them, refuses others', () => {
    const check = createAuthorizer({ roles: ['stock-manager'] }, 'test');
    check({ ...base, roles: ['stock-clerk', 'stock-manager'] });
    check({ ...base, role: 'stock-manager' });
    for (const claims of [{ ...base, roles: ['stock-clerk'] }, { ...base }, { ...base, roles: 'stock-manager' }])
      assert.throws(() => check(claims as never), { code: 'forbidden' });
  });
});
