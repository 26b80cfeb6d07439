import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, createHarness, problemOf, type Harness } from '../helpers/harness.js';

describe('user administration (/api/users) and admin-only routes', () => {
  let h: Harness;
  let adminToken: string;
  let clerkToken: string;
  let employeeToken: string;
  let alice: { id: string };
  before(async () => {
    h = await createHarness();
    alice = await h.addUser('alice', 'admin');
    await h.addUser('bob', 'clerk');
    await h.addUser('carol', 'employee');
    adminToken = (await h.login('alice', 'alice-Correct-Horse-42')).access_token;
    clerkToken = (await h.login('bob', 'bob-Correct-Horse-42')).access_token;
    employeeToken = (await h.login('carol', 'carol-Correct-Horse-42')).access_token;
  });
  after(() => h.close());

  const adminRoutes = [
    ['GET', '/api/users'],
    ['POST', '/api/users'],
    ['PATCH', '/api/users/some-id'],
    ['GET', '/api/sessions'],
    ['DELETE', '/api/sessions/some-id'],
    ['DELETE', '/api/users/some-id/sessions'],
    ['GET', '/api/keys'],
    ['POST', '/api/keys/rotate'],
    ['GET', '/api/audit-events'],
  ] as const;

  for (const [method, url] of adminRoutes) {
    it(`${method} ${url}: clerk and employee get 403 forbidden, no token gets 401`, async () => {
      for (const token of [clerkToken, employeeToken]) {
        const response = await h.app.inject({
          method,
          url,
          headers: bearer(token),
          payload: method === 'POST' || method === 'PATCH' ? {} : undefined,
        });
        assert.equal(response.statusCode, 403);
        assert.equal(problemOf(response).code, 'forbidden');
        assert.equal(response.headers['www-authenticate'], 'Bearer realm="bulwark", error="insufficient_scope"');
      }
      const anonymous = await h.app.inject({ method, url });
      assert.equal(anonymous.statusCode, 401);
      assert.equal(problemOf(anonymous).code, 'invalid_token');
    });
  }

  it('admin creates a user who can then log in; the answer has no hash', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(adminToken),
      payload: { username: 'Grace', password: 'grace has a long passphrase', role: 'clerk' },
    });
    assert.equal(response.statusCode, 201);
    const user = response.json();
    assert.equal(user.username, 'grace');
    assert.equal(user.role, 'clerk');
    assert.equal(user.disabled, false);
    assert.ok(!('password_hash' in user) && !response.body.includes('argon2'));
    await h.login('grace', 'grace has a long passphrase');
    const audit = await h.services.store.audit.list({ type: 'user.created' }, { limit: 10 });
    assert.ok(audit.items.some((e) => e.targetId === user.id && e.actorId === alice.id));
  });

  it('refuses a duplicate username (409), a weak password and unknown fields (400)', async () => {
    const dup = await h.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(adminToken),
      payload: { username: 'BOB', password: 'another long passphrase', role: 'clerk' },
    });
    assert.equal(dup.statusCode, 409);
    assert.equal(problemOf(dup).code, 'conflict');
    const weak = await h.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(adminToken),
      payload: { username: 'henry', password: 'short', role: 'clerk' },
    });
    assert.equal(weak.statusCode, 400);
    const extra = await h.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(adminToken),
      payload: { username: 'ivan', password: 'ivan long passphrase', role: 'clerk', disabled: false, id: 'chosen' },
    });
    assert.equal(extra.statusCode, 400);
    assert.equal(problemOf(extra).code, 'invalid_request');
    const badRole = await h.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(adminToken),
      payload: { username: 'ivan', password: 'ivan long passphrase', role: 'root' },
    });
    assert.equal(badRole.statusCode, 400);
  });

  it('lists users with cursor pagination', async () => {
    const first = await h.app.inject({ url: '/api/users?limit=2', headers: bearer(adminToken) });
    assert.equal(first.statusCode, 200);
    const page1 = first.json();
    assert.equal(page1.items.length, 2);
    assert.equal(typeof page1.next_cursor, 'string');
    const second = (
      await h.app.inject({
        url: `/api/users?limit=2&cursor=${encodeURIComponent(page1.next_cursor)}`,
        headers: bearer(adminToken),
      })
    ).json();
    const ids = new Set([...page1.items, ...second.items].map((u: { id: string }) => u.id));
    assert.equal(ids.size, page1.items.length + second.items.length, 'pages do not overlap');
    assert.equal((await h.app.inject({ url: '/api/users?limit=101', headers: bearer(adminToken) })).statusCode, 400);
    const badCursor = await h.app.inject({ url: '/api/users?cursor=garbage', headers: bearer(adminToken) });
    assert.equal(badCursor.statusCode, 400);
    assert.equal(problemOf(badCursor).code, 'invalid_request');
  });

  it('disabling a user ends their live tokens and refresh tokens at once', async () => {
    const judy = await h.addUser('judy', 'clerk');
    const pair = await h.login('judy', judy.password);
    const response = await h.app.inject({
      method: 'PATCH',
      url: `/api/users/${judy.id}`,
      headers: bearer(adminToken),
      payload: { disabled: true },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().disabled, true);
    assert.equal((await h.app.inject({ url: '/api/users/me', headers: bearer(pair.access_token) })).statusCode, 401);
    assert.equal(
      (
        await h.app.inject({
          method: 'POST',
          url: '/api/users-sessions/refresh',
          payload: { refresh_token: pair.refresh_token },
        })
      ).statusCode,
      401,
    );
    const audit = await h.services.store.audit.list({ type: 'user.updated' }, { limit: 10 });
    const event = audit.items.find((e) => e.targetId === judy.id);
    assert.deepEqual(event?.details.changes, { disabled: { from: false, to: true } });
  });

  it("a role change revokes the old role's tokens", async () => {
    const kim = await h.addUser('kim', 'admin');
    const pair = await h.login('kim', kim.password);
    const response = await h.app.inject({
      method: 'PATCH',
      url: `/api/users/${kim.id}`,
      headers: bearer(adminToken),
      payload: { role: 'employee' },
    });
    assert.equal(response.json().role, 'employee');
    assert.equal((await h.app.inject({ url: '/api/users', headers: bearer(pair.access_token) })).statusCode, 401);
  });

  it('an admin cannot demote or disable themselves (409); unknown ids are 404; empty patches 400', async () => {
    const self = await h.app.inject({
      method: 'PATCH',
      url: `/api/users/${alice.id}`,
      headers: bearer(adminToken),
      payload: { role: 'clerk' },
    });
    assert.equal(self.statusCode, 409);
    const unknown = await h.app.inject({
      method: 'PATCH',
      url: '/api/users/no-such-user',
      headers: bearer(adminToken),
      payload: { disabled: true },
    });
    assert.equal(unknown.statusCode, 404);
    assert.equal(problemOf(unknown).code, 'not_found');
    const empty = await h.app.inject({
      method: 'PATCH',
      url: `/api/users/${alice.id}`,
      headers: bearer(adminToken),
      payload: {},
    });
    assert.equal(empty.statusCode, 400);
    const readOnly = await h.app.inject({
      method: 'PATCH',
      url: `/api/users/${alice.id}`,
      headers: bearer(adminToken),
      payload: { username: 'root' },
    });
    assert.equal(readOnly.statusCode, 400);
  });

  it('admin revokes a session and all sessions of a user', async () => {
    const lee = await h.addUser('lee', 'clerk');
    const a = await h.login('lee', lee.password);
    const b = await h.login('lee', lee.password);
    const list = (await h.app.inject({ url: `/api/sessions?user_id=${lee.id}`, headers: bearer(adminToken) })).json();
    assert.equal(list.items.length, 2);
    assert.equal(
      (await h.app.inject({ method: 'DELETE', url: `/api/sessions/${a.session_id}`, headers: bearer(adminToken) }))
        .statusCode,
      204,
    );
    assert.equal((await h.app.inject({ url: '/api/users/me', headers: bearer(a.access_token) })).statusCode, 401);
    assert.equal((await h.app.inject({ url: '/api/users/me', headers: bearer(b.access_token) })).statusCode, 200);
    assert.equal(
      (await h.app.inject({ method: 'DELETE', url: `/api/users/${lee.id}/sessions`, headers: bearer(adminToken) }))
        .statusCode,
      204,
    );
    assert.equal((await h.app.inject({ url: '/api/users/me', headers: bearer(b.access_token) })).statusCode, 401);
    assert.equal(
      (await h.app.inject({ method: 'DELETE', url: '/api/sessions/no-such', headers: bearer(adminToken) })).statusCode,
      404,
    );
  });

  it('admin reads the audit log, filtered by type', async () => {
    const response = await h.app.inject({
      url: '/api/audit-events?type=login.succeeded&limit=5',
      headers: bearer(adminToken),
    });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.ok(body.items.length > 0);
    assert.ok(body.items.every((e: { type: string }) => e.type === 'login.succeeded'));
  });

  it('admin rotates keys: old tokens keep working, new tokens carry the new kid', async () => {
    const before = (await h.app.inject({ url: '/api/keys', headers: bearer(adminToken) })).json().items;
    // An immediate rotation (now: true); the default pre-publishes a next key (test/keys/lifecycle.test.ts).
    const rotated = await h.app.inject({
      method: 'POST',
      url: '/api/keys/rotate',
      headers: bearer(adminToken),
      payload: { now: true },
    });
    assert.equal(rotated.statusCode, 201);
    const key = rotated.json();
    assert.equal(key.state, 'active');
    assert.ok(!before.some((k: { kid: string }) => k.kid === key.kid));
    assert.ok(!rotated.body.includes('"d"'));
    const keys = (await h.app.inject({ url: '/api/keys', headers: bearer(adminToken) })).json().items;
    assert.equal(keys.filter((k: { state: string }) => k.state === 'active').length, 1);
    assert.ok(keys.some((k: { state: string }) => k.state === 'retired'));
    assert.equal(
      (await h.app.inject({ url: '/api/users/me', headers: bearer(adminToken) })).statusCode,
      200,
      'token signed by the retired key still verifies',
    );
    const fresh = await h.login('bob', 'bob-Correct-Horse-42');
    const kid = JSON.parse(Buffer.from(fresh.access_token.split('.')[0] ?? '', 'base64url').toString()).kid;
    assert.equal(kid, key.kid);
    const jwks = (await h.app.inject({ url: '/.well-known/jwks.json' })).json();
    assert.equal(jwks.keys.length, 2);
  });
});
