import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, createHarness, decodeJwt, problemOf, type Harness } from '../helpers/harness.js';

describe('POST /api/users-sessions/refresh (rotation and reuse detection)', () => {
  let h: Harness;
  let bob: { id: string; username: string; password: string };
  before(async () => {
    h = await createHarness();
    bob = await h.addUser('bob', 'clerk');
  });
  after(() => h.close());

  const refresh = (token: string) =>
    h.app.inject({ method: 'POST', url: '/api/users-sessions/refresh', payload: { refresh_token: token } });
  const me = (token: string) => h.app.inject({ url: '/api/users/me', headers: bearer(token) });

  it('returns a new pair for the same session, and the new access token works', async () => {
    const first = await h.login('bob', bob.password);
    h.clock.advance(60);
    const response = await refresh(first.refresh_token);
    assert.equal(response.statusCode, 200);
    const second = response.json();
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.notEqual(second.access_token, first.access_token);
    assert.equal(second.session_id, first.session_id);
    assert.equal(decodeJwt(second.access_token).claims.sid, first.session_id);
    assert.equal(decodeJwt(second.access_token).claims.iat, Math.floor(h.clock.now() / 1000));
    assert.match(String(response.headers['set-cookie']), /^bulwark_refresh=brt_/);
    assert.equal((await me(second.access_token)).statusCode, 200);
  });

  it('detects reuse: the used token revokes the whole session, tokens included, and is audited', async () => {
    const first = await h.login('bob', bob.password);
    const second = (await refresh(first.refresh_token)).json();
    // Past the reuse window (10 s): within it a replay answers the same successor (refresh-reuse.test.ts).
    h.clock.advance(11);
    const replay = await refresh(first.refresh_token);
    assert.equal(replay.statusCode, 401);
    assert.equal(problemOf(replay).code, 'invalid_grant');
    assert.equal(replay.headers['www-authenticate'], 'Bearer realm="bulwark"');
    // The legitimate holder's newer refresh token and access token die with the session.
    assert.equal((await refresh(second.refresh_token)).statusCode, 401);
    const after = await me(second.access_token);
    assert.equal(after.statusCode, 401);
    assert.equal(problemOf(after).code, 'invalid_token');
    const session = await h.services.store.sessions.findById(first.session_id);
    assert.equal(session?.revokedReason, 'refresh_reuse');
    const events = await h.services.store.audit.list({ type: 'refresh.reused' }, { limit: 10 });
    assert.ok(events.items.some((e) => e.targetId === first.session_id && e.actorId === bob.id));
  });

  // Issue #11: within the reuse window the race is no theft. With the window off (0) exactly one
  // of the 20 succeeds and the session is revoked: refresh-reuse.test.ts keeps that assertion.
  it('answers 20 concurrent refreshes with one token with one and the same successor', async () => {
    const pair = await h.login('bob', bob.password);
    const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(pair.refresh_token)));
    const statuses = answers.map((a) => a.statusCode);
    assert.equal(statuses.filter((s) => s === 200).length, 20, `statuses: ${statuses.join(',')}`);
    assert.equal(new Set(answers.map((a) => a.json().refresh_token)).size, 1);
  });

  it('accepts the refresh token from the HttpOnly cookie', async () => {
    const pair = await h.login('bob', bob.password);
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/refresh',
      cookies: { bulwark_refresh: pair.refresh_token },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().session_id, pair.session_id);
  });

  it('refuses a cookie refresh sent from a foreign origin (CSRF)', async () => {
    const pair = await h.login('bob', bob.password);
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/refresh',
      cookies: { bulwark_refresh: pair.refresh_token },
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(response.statusCode, 403);
    assert.equal(problemOf(response).code, 'forbidden');
    // The token was not consumed by the refused request.
    assert.equal((await refresh(pair.refresh_token)).statusCode, 200);
  });

  it('ends with the session: 8 hours after login the refresh token is refused', async () => {
    const pair = await h.login('bob', bob.password);
    h.clock.advance(8 * 3600 - 10);
    const late = await refresh(pair.refresh_token);
    assert.equal(late.statusCode, 200);
    // The access token never outlives its session.
    const { claims } = decodeJwt(late.json().access_token);
    assert.ok((claims.exp as number) * 1000 <= h.clock.now() + 10_000);
    h.clock.advance(20);
    const expired = await refresh(late.json().refresh_token);
    assert.equal(expired.statusCode, 401);
    assert.equal(problemOf(expired).code, 'invalid_grant');
  });

  for (const [name, token] of [
    ['an unknown token', `brt_${'A'.repeat(43)}`],
    ['a malformed token', 'not-a-token'],
    ['an access token', 'eyJhbGciOiJFUzI1NiJ9.e30.sig'],
  ] as const) {
    it(`answers ${name} with 401 invalid_grant`, async () => {
      const response = await refresh(token);
      assert.equal(response.statusCode, 401);
      assert.equal(problemOf(response).code, 'invalid_grant');
    });
  }

  it('answers a request with no token at all with 401 invalid_grant', async () => {
    const response = await h.app.inject({ method: 'POST', url: '/api/users-sessions/refresh' });
    assert.equal(response.statusCode, 401);
    assert.equal(problemOf(response).code, 'invalid_grant');
  });

  it('refuses to refresh a disabled user', async () => {
    const frank = await h.addUser('frank', 'clerk');
    const pair = await h.login('frank', frank.password);
    await h.services.users.update(frank.id, { disabled: true }, null);
    assert.equal((await refresh(pair.refresh_token)).statusCode, 401);
    assert.equal((await me(pair.access_token)).statusCode, 401);
  });
});
