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

  it('nothing changed: the session and its token as usual', async () => {
    const user = await h.addUser('race-none', 'clerk');
    const fresh = await h.store.users.findById(user.id);
    const pair = await h.services.sessions.startSession(fresh!, ['pwd'], meta);
    assert.equal(h.services.verifier.verify(pair.accessToken).sid, pair.sessionId);
    assert.equal(await liveSessions(user.id), 1);
  });
});
