import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHarness, type Harness } from '../helpers/harness.js';

/**
 * A login that read the user before a user-wide revocation (disable, role or password change) and
 * creates its session after the revocation revoked the sessions it found: the new session is
 * judged on the user as it is once the session exists, so the race hands out no token the
 * revocation should have prevented (the revocation goes by sessions, not by a clock cut-off).
 */
describe('a login racing a user-wide revocation', () => {
  let h: Harness;
  const meta = { ip: '192.0.2.7', userAgent: 'race' };
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  const liveSessions = async (userId: string) =>
    (await h.store.sessions.list({ userId, activeAt: h.clock.now() }, { limit: 100 })).items.length;

  it('a role changed meanwhile: the token carries the new role', async () => {
    const user = await h.addUser('race-role', 'clerk');
    const stale = await h.store.users.findById(user.id);
    await h.services.users.update(user.id, { role: 'employee' }, null);
    const pair = await h.services.sessions.startSession(stale!, ['pwd'], meta);
    assert.equal(h.services.verifier.verify(pair.accessToken).role, 'employee');
  });

  it('disabled meanwhile: no session, invalid_credentials', async () => {
    const user = await h.addUser('race-disabled', 'clerk');
    const stale = await h.store.users.findById(user.id);
    await h.services.users.update(user.id, { disabled: true }, null);
    await assert.rejects(h.services.sessions.startSession(stale!, ['pwd'], meta), { code: 'invalid_credentials' });
    assert.equal(await liveSessions(user.id), 0);
  });

  it('the password changed meanwhile: the old password gets no session', async () => {
    const user = await h.addUser('race-password', 'clerk');
    const stale = await h.store.users.findById(user.id);
    h.clock.advance(1);
    await h.store.users.update(user.id, { passwordChangedAt: h.clock.now(), updatedAt: h.clock.now() });
    await assert.rejects(h.services.sessions.startSession(stale!, ['pwd'], meta), { code: 'invalid_credentials' });
    assert.equal(await liveSessions(user.id), 0);
  });

  it('a refresh whose rotation committed after the session was revoked (Postgres re-reads the row it waited for): 401 invalid_grant, no token', async () => {
    const user = await h.addUser('race-refresh', 'clerk');
    const pair = await h.login(user.username, user.password);
    const tokens = h.store.refreshTokens;
    const rotate = tokens.rotate.bind(tokens);
    // The revocation lands while the rotation waits on the session's row lock: the rotation then
    // goes through on the revoked row, as Postgres's READ COMMITTED re-check of an UPDATE allows.
    tokens.rotate = async (...args) => {
      const outcome = await rotate(...args);
      await h.services.sessions.revokeAllSessions(user.id, 'admin');
      return outcome.outcome === 'rotated'
        ? { ...outcome, session: { ...outcome.session, revokedAt: h.clock.now(), revokedReason: 'admin' } }
        : outcome;
    };
    try {
      const answer = await h.app.inject({
        method: 'POST',
        url: '/api/users-sessions/refresh',
        payload: { refresh_token: pair.refresh_token },
      });
      assert.equal(answer.statusCode, 401);
      assert.equal(answer.json().code, 'invalid_grant');
      assert.equal(answer.json().access_token, undefined);
    } finally {
      tokens.rotate = rotate;
    }
  });

  it('nothing changed: the session and its token as usual', async () => {
    const user = await h.addUser('race-none', 'clerk');
    const fresh = await h.store.users.findById(user.id);
    const pair = await h.services.sessions.startSession(fresh!, ['pwd'], meta);
    assert.equal(h.services.verifier.verify(pair.accessToken).sid, pair.sessionId);
    assert.equal(await liveSessions(user.id), 1);
  });
});
