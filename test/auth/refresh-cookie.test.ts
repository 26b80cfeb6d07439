import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { bearer, createHarness, problemOf, type Harness } from '../helpers/harness.js';

interface Schema {
  properties?: Record<string, Schema & { anyOf?: Array<{ enum?: string[]; const?: string }> }>;
  required?: string[];
}
interface Operation {
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

const ATTRIBUTES = ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/api/users-sessions'];

/** The one Set-Cookie of the refresh cookie: its value and its attributes. */
function refreshCookie(response: LightMyRequestResponse): { value: string; attributes: string[] } {
  const header = response.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header === undefined ? [] : [String(header)];
  const mine = all.filter((c) => c.startsWith('bulwark_refresh='));
  assert.equal(mine.length, 1, `one refresh Set-Cookie, got: ${JSON.stringify(all)}`);
  const [pair = '', ...attributes] = (mine[0] ?? '').split('; ');
  return { value: pair.slice('bulwark_refresh='.length), attributes };
}

/** Browser clients: the refresh token travels only in the HttpOnly cookie, never in a body. */
describe('cookie-mode sessions (refresh_delivery: "cookie")', () => {
  let h: Harness;
  let bob: { password: string };
  before(async () => {
    h = await createHarness();
    bob = await h.addUser('bob', 'clerk');
  });
  after(() => h.close());

  const login = (extra: Record<string, unknown>) =>
    h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      payload: { username: 'bob', password: bob.password, ...extra },
    });
  const cookieRefresh = (token: string, headers: Record<string, string> = {}) =>
    h.app.inject({ method: 'POST', url: '/api/users-sessions/refresh', cookies: { bulwark_refresh: token }, headers });

  it('login in cookie mode: no refresh_token in the body, the HttpOnly cookie set', async () => {
    const response = await login({ refresh_delivery: 'cookie' });
    assert.equal(response.statusCode, 201);
    assert.deepEqual(Object.keys(response.json()).sort(), [
      'access_token',
      'expires_in',
      'scope',
      'session_id',
      'token_type',
    ]);
    const cookie = refreshCookie(response);
    assert.match(cookie.value, /^brt_[A-Za-z0-9_-]{43}$/);
    for (const attribute of ATTRIBUTES) assert.ok(cookie.attributes.includes(attribute), `cookie lacks ${attribute}`);
    assert.ok(!response.body.includes(cookie.value));
    assert.equal(
      (await h.app.inject({ url: '/api/users/me', headers: bearer(response.json().access_token) })).statusCode,
      200,
    );
  });

  it('login in body mode (explicit or default) keeps the refresh token in the body', async () => {
    for (const extra of [{}, { refresh_delivery: 'body' }]) {
      const response = await login(extra);
      assert.equal(response.statusCode, 201);
      assert.equal(response.json().refresh_token, refreshCookie(response).value);
    }
  });

  it('refuses an unknown delivery or an unknown field with 400', async () => {
    for (const extra of [{ refresh_delivery: 'header' }, { refresh_delivery: null }, { refresh_mode: 'cookie' }]) {
      const response = await login(extra);
      assert.equal(response.statusCode, 400, JSON.stringify(extra));
      assert.equal(problemOf(response).code, 'invalid_request');
    }
  });

  it('cookie refresh: no refresh_token in the body, the cookie rotated; body refresh still returns it', async () => {
    const first = refreshCookie(await login({ refresh_delivery: 'cookie' })).value;
    const response = await cookieRefresh(first);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(Object.keys(response.json()).sort(), [
      'access_token',
      'expires_in',
      'scope',
      'session_id',
      'token_type',
    ]);
    const second = refreshCookie(response);
    assert.notEqual(second.value, first);
    for (const attribute of ATTRIBUTES) assert.ok(second.attributes.includes(attribute), `cookie lacks ${attribute}`);
    const viaBody = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/refresh',
      payload: { refresh_token: second.value },
    });
    assert.equal(viaBody.statusCode, 200);
    assert.equal(viaBody.json().refresh_token, refreshCookie(viaBody).value);
  });

  it('two tabs refreshing with the same cookie at once both get 200 and the same new cookie', async () => {
    const cookie = refreshCookie(await login({ refresh_delivery: 'cookie' })).value;
    const [a, b] = await Promise.all([cookieRefresh(cookie, { origin: 'http://bulwark.test' }), cookieRefresh(cookie)]);
    assert.deepEqual([a?.statusCode, b?.statusCode], [200, 200]);
    assert.equal(refreshCookie(a as LightMyRequestResponse).value, refreshCookie(b as LightMyRequestResponse).value);
    assert.ok(!(a?.body ?? '').includes('brt_') && !(b?.body ?? '').includes('brt_'));
  });

  it('logout clears the cookie: same name and attributes, expired', async () => {
    const response = await login({ refresh_delivery: 'cookie' });
    const logout = await h.app.inject({
      method: 'DELETE',
      url: '/api/users-sessions/current',
      headers: bearer(response.json().access_token),
    });
    assert.equal(logout.statusCode, 204);
    const cleared = refreshCookie(logout);
    assert.equal(cleared.value, '');
    for (const attribute of [...ATTRIBUTES, 'Max-Age=0', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT'])
      assert.ok(cleared.attributes.includes(attribute), `cleared cookie lacks ${attribute}`);
    const after = await cookieRefresh(refreshCookie(response).value);
    assert.equal(after.statusCode, 401);
    assert.equal(problemOf(after).code, 'invalid_grant');
  });

  it('documents it in OpenAPI: refresh_delivery on login, refresh_token optional in answers', async () => {
    const doc = (await h.app.inject({ url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, Operation>>;
    }>();
    const body = doc.paths['/api/users-sessions']?.post?.requestBody?.content['application/json']?.schema;
    assert.deepEqual(
      body?.properties?.refresh_delivery?.anyOf?.flatMap((s) => s.enum ?? [s.const]),
      ['body', 'cookie'],
    );
    assert.ok(!(body?.required ?? []).includes('refresh_delivery'));
    for (const [path, status] of [
      ['/api/users-sessions', '201'],
      ['/api/users-sessions/refresh', '200'],
    ] as const) {
      const answer = doc.paths[path]?.post?.responses[status]?.content?.['application/json']?.schema;
      assert.ok(answer?.properties?.refresh_token, `${path} documents refresh_token`);
      assert.ok(
        answer.required?.includes('access_token') && !answer.required.includes('refresh_token'),
        `${path}: refresh_token is optional`,
      );
    }
  });
});
