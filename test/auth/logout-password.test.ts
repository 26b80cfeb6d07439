import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, createHarness, problemOf, type Harness } from '../helpers/harness.js';

describe('logout, /api/users/me and password change', () => {
  let h: Harness;
  let carol: { id: string; username: string; password: string };
  before(async () => {
    h = await createHarness();
    carol = await h.addUser('carol', 'employee');
  });
  after(() => h.close());

  const me = (token: string) => h.app.inject({ url: '/api/users/me', headers: bearer(token) });
  const refresh = (token: string) =>
    h.app.inject({ method: 'POST', url: '/api/users-sessions/refresh', payload: { refresh_token: token } });
  const logout = (token: string) =>
    h.app.inject({ method: 'DELETE', url: '/api/users-sessions/current', headers: bearer(token) });

  it('GET /api/users/me shows the caller and never a password hash', async () => {
    const pair = await h.login('carol', carol.password);
    const response = await me(pair.access_token);
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.deepEqual(Object.keys(body).sort(), [
      'attributes',
      'created_at',
      'disabled',
      'email',
      'email_verified',
      'employee_id',
      'id',
      'permissions',
      'role',
      'roles',
      'updated_at',
      'username',
    ]);
    assert.equal(body.id, carol.id);
    assert.deepEqual(body.roles, [body.role]);
    assert.deepEqual(body.permissions, [], "an employee holds nothing at Bulwark's own API");
    assert.equal(body.username, 'carol');
    assert.ok(!response.body.includes('argon2'));
  });

  it('logout stops the session at once: access token, refresh token, and nothing else', async () => {
    const pair = await h.login('carol', carol.password);
    const other = await h.login('carol', carol.password);
    const response = await logout(pair.access_token);
    assert.equal(response.statusCode, 204);
    assert.match(String(response.headers['set-cookie']), /bulwark_refresh=;.*Expires=Thu, 01 Jan 1970/);
    const after = await me(pair.access_token);
    assert.equal(after.statusCode, 401);
    assert.equal(problemOf(after).code, 'invalid_token');
    assert.equal((await refresh(pair.refresh_token)).statusCode, 401);
    assert.equal((await me(other.access_token)).statusCode, 200, 'another session of the same user keeps working');
    assert.equal((await logout(pair.access_token)).statusCode, 401, 'a second logout with the dead token is refused');
  });

  it('logout survives a restart: revocations are loaded from the store', async () => {
    const pair = await h.login('carol', carol.password);
    await logout(pair.access_token);
    h.services.revocations.set.prune(Number.MAX_SAFE_INTEGER); // forget everything in memory
    assert.equal((await me(pair.access_token)).statusCode, 200, 'precondition: memory emptied');
    await h.services.revocations.sync();
    assert.equal((await me(pair.access_token)).statusCode, 401);
  });

  it('password change: 204, other sessions revoked, this one kept, new password required', async () => {
    const dave = await h.addUser('dave', 'clerk');
    const current = await h.login('dave', dave.password);
    const other = await h.login('dave', dave.password);
    const response = await h.app.inject({
      method: 'PUT',
      url: '/api/users/me/password',
      headers: bearer(current.access_token),
      payload: { current_password: dave.password, new_password: 'a brand new passphrase 9' },
    });
    assert.equal(response.statusCode, 204);
    assert.equal((await me(current.access_token)).statusCode, 200);
    assert.equal((await me(other.access_token)).statusCode, 401);
    assert.equal((await refresh(other.refresh_token)).statusCode, 401);
    assert.equal((await refresh(current.refresh_token)).statusCode, 200);
    const old = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      payload: { username: 'dave', password: dave.password },
    });
    assert.equal(old.statusCode, 401);
    await h.login('dave', 'a brand new passphrase 9');
    const events = await h.services.store.audit.list({ type: 'password.changed' }, { limit: 5 });
    assert.equal(events.items[0]?.actorId, dave.id);
    assert.equal(events.items[0]?.details.sessions_revoked, 1);
    assert.ok(!JSON.stringify(events.items).includes('brand new'));
  });

  it('password change with a wrong current password is 401 invalid_credentials', async () => {
    const pair = await h.login('carol', carol.password);
    const response = await h.app.inject({
      method: 'PUT',
      url: '/api/users/me/password',
      headers: bearer(pair.access_token),
      payload: { current_password: 'wrong-password-1', new_password: 'another fine passphrase' },
    });
    assert.equal(response.statusCode, 401);
    assert.equal(problemOf(response).code, 'invalid_credentials');
  });

  for (const [name, next] of [
    ['too short', 'short'],
    ['mostly the username', 'carol-carol-carol'],
    ['one repeated character', 'aaaaaaaaaaaaaaaa'],
  ] as const) {
    it(`password change refuses a new password that is ${name}`, async () => {
      const pair = await h.login('carol', carol.password);
      const response = await h.app.inject({
        method: 'PUT',
        url: '/api/users/me/password',
        headers: bearer(pair.access_token),
        payload: { current_password: carol.password, new_password: next },
      });
      assert.equal(response.statusCode, 400);
      assert.equal(problemOf(response).code, 'invalid_request');
    });
  }

  it('protected routes without a token answer 401 with WWW-Authenticate', async () => {
    // RFC 6750 §3 (issue #12): no bearer credential at all, no error code in the challenge.
    for (const [headers, challenge] of [
      [{}, 'Bearer realm="bulwark"'],
      [{ authorization: 'Basic YWxpY2U6eA==' }, 'Bearer realm="bulwark"'],
      [{ authorization: 'Bearer' }, 'Bearer realm="bulwark", error="invalid_token"'],
      [{ authorization: 'Bearer a.b.c' }, 'Bearer realm="bulwark", error="invalid_token"'],
    ] as const) {
      const response = await h.app.inject({ url: '/api/users/me', headers });
      assert.equal(response.statusCode, 401, JSON.stringify(headers));
      assert.equal(problemOf(response).code, 'invalid_token');
      assert.equal(response.headers['www-authenticate'], challenge, JSON.stringify(headers));
    }
  });

  it('an expired access token answers 401 token_expired, so clients know to refresh', async () => {
    const pair = await h.login('carol', carol.password);
    h.clock.advance(900 + 31);
    const response = await me(pair.access_token);
    assert.equal(response.statusCode, 401);
    assert.equal(problemOf(response).code, 'token_expired');
    assert.match(String(response.headers['www-authenticate']), /^Bearer realm="bulwark", error="invalid_token"/);
    assert.equal((await refresh(pair.refresh_token)).statusCode, 200);
  });

  it('a tampered token answers 401 invalid_token', async () => {
    const pair = await h.login('carol', carol.password);
    const [header, payload, signature] = pair.access_token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.role = 'admin';
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const response = await me(forged);
    assert.equal(response.statusCode, 401);
    assert.equal(problemOf(response).code, 'invalid_token');
  });
});
