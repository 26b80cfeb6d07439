import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HOUR, T0, freshStore, makeToken, userWithSession } from './fixtures.js';
import type { OpenStore } from './fixtures.js';
import { refreshReuseSuite } from './refresh-reuse.js';

export function refreshTokensSuite(open: OpenStore): void {
  describe('refresh tokens', () => {
    const store = freshStore(open);
    const now = T0 + HOUR;

    it('inserts and finds by hash', async () => {
      const { session } = await userWithSession(store());
      const token = makeToken(session.id);
      await store().refreshTokens.insert(token);
      assert.deepEqual(await store().refreshTokens.findByHash(token.hash), token);
      assert.equal(await store().refreshTokens.findByHash('nope'), undefined);
    });

    it("a login's first token commits with its pair's cleared failures and its audit event, or none of them does", async () => {
      const { user, session } = await userWithSession(store());
      await store().loginFailures.record(user.id, '203.0.113.7', now);
      await store().loginFailures.record(user.id, '198.51.100.9', now);
      const event = {
        id: 'evt-login-1',
        at: now,
        type: 'login.succeeded',
        actorId: user.id,
        targetId: session.id,
        ip: '203.0.113.7',
        details: { amr: ['pwd'] },
      };
      const token = makeToken(session.id);
      await store().refreshTokens.insertFirst(token, { userId: user.id, ip: '203.0.113.7', event });
      assert.deepEqual(await store().refreshTokens.findByHash(token.hash), token);
      assert.deepEqual(
        (await store().loginFailures.list(user.id)).map((f) => f.ip),
        ['198.51.100.9'],
        "only the login's own address is cleared",
      );
      const { items } = await store().audit.list({ type: 'login.succeeded', actorId: user.id }, { limit: 10 });
      assert.deepEqual(
        items.map((e) => [e.id, e.targetId, e.details]),
        [['evt-login-1', session.id, { amr: ['pwd'] }]],
      );

      // The same event id again: the audit insert fails, and the token and the clearing roll back with it.
      const second = makeToken(session.id);
      await assert.rejects(store().refreshTokens.insertFirst(second, { userId: user.id, ip: '198.51.100.9', event }));
      assert.equal(await store().refreshTokens.findByHash(second.hash), undefined);
      assert.deepEqual(
        (await store().loginFailures.list(user.id)).map((f) => f.ip),
        ['198.51.100.9'],
      );
    });

    it('finds a token with its session and user in one read, as the separate reads give them', async () => {
      const { user, session } = await userWithSession(store());
      const token = makeToken(session.id);
      await store().refreshTokens.insert(token);
      await store().refreshTokens.insert(makeToken(session.id));
      const found = await store().refreshTokens.findForRefresh(token.hash);
      assert.deepEqual(found, {
        token,
        session: await store().sessions.findById(session.id),
        user: await store().users.findById(user.id),
        roleIds: await store().registry.userRoleIds(user.id),
      });
      assert.deepEqual(found?.roleIds, ['role_clerk'], "the user's roles, read in the same statement");
      assert.equal(found?.user?.id, user.id);
      assert.equal(found?.session?.id, session.id);
      assert.equal(await store().refreshTokens.findForRefresh('nope'), undefined);
    });

    it('finds the token of a revoked session and of a disabled user as they are', async () => {
      const { user, session } = await userWithSession(store());
      const token = makeToken(session.id);
      await store().refreshTokens.insert(token);
      await store().sessions.revoke(session.id, 'logout', now);
      await store().users.update(user.id, { disabled: true, updatedAt: now });
      const found = await store().refreshTokens.findForRefresh(token.hash);
      assert.equal(found?.session?.revokedAt, now);
      assert.equal(found?.session?.revokedReason, 'logout');
      assert.equal(found?.user?.disabled, true);
      assert.deepEqual(found?.token, token);
    });

    it('rotates: marks the old token used, inserts the next, stamps the session', async () => {
      const { session } = await userWithSession(store());
      const old = makeToken(session.id);
      await store().refreshTokens.insert(old);
      const next = makeToken(session.id, { createdAt: now, expiresAt: now + HOUR });
      const result = await store().refreshTokens.rotate(old.hash, next, () => now);
      assert.deepEqual(result, { outcome: 'rotated', session: { ...session, lastRefreshedAt: now } });
      assert.deepEqual(await store().refreshTokens.findByHash(old.hash), { ...old, usedAt: now });
      assert.deepEqual(await store().refreshTokens.findByHash(next.hash), next);
      assert.equal((await store().sessions.findById(session.id))?.lastRefreshedAt, now);
      // Derived from the chain's newest token: the next rotation moves it, in a lookup and a list.
      const third = makeToken(session.id, { createdAt: now + 5, expiresAt: now + HOUR });
      const again = await store().refreshTokens.rotate(next.hash, third, () => now + 5);
      assert.equal(again.outcome === 'rotated' ? again.session.lastRefreshedAt : undefined, now + 5);
      assert.equal((await store().sessions.findById(session.id))?.lastRefreshedAt, now + 5);
      const listed = await store().sessions.list({ userId: session.userId }, { limit: 10 });
      assert.deepEqual(
        listed.items.map((s) => s.lastRefreshedAt),
        [now + 5],
      );
      assert.equal((await store().refreshTokens.findForRefresh(third.hash))?.session?.lastRefreshedAt, now + 5);
    });

    it('reports reuse of a used token with its session and user, inserting nothing', async () => {
      const { user, session } = await userWithSession(store());
      const old = makeToken(session.id);
      await store().refreshTokens.insert(old);
      const first = await store().refreshTokens.rotate(old.hash, makeToken(session.id), () => now);
      assert.equal(first.outcome, 'rotated');
      const late = makeToken(session.id);
      const again = await store().refreshTokens.rotate(old.hash, late, () => now + 1);
      assert.deepEqual(again, { outcome: 'reused', sessionId: session.id, userId: user.id });
      assert.equal(await store().refreshTokens.findByHash(late.hash), undefined);
      assert.equal((await store().refreshTokens.findByHash(old.hash))?.usedAt, now);
    });

    it('answers invalid/unknown for an unknown hash', async () => {
      const { session } = await userWithSession(store());
      const next = makeToken(session.id);
      const result = await store().refreshTokens.rotate('nope', next, () => now);
      assert.deepEqual(result, { outcome: 'invalid', reason: 'unknown' });
      assert.equal(await store().refreshTokens.findByHash(next.hash), undefined);
    });

    it('answers invalid/expired and leaves the token unused (expiresAt == now is expired)', async () => {
      const { session } = await userWithSession(store());
      const old = makeToken(session.id, { expiresAt: now });
      await store().refreshTokens.insert(old);
      const result = await store().refreshTokens.rotate(old.hash, makeToken(session.id), () => now);
      assert.deepEqual(result, { outcome: 'invalid', reason: 'expired' });
      assert.deepEqual(await store().refreshTokens.findByHash(old.hash), old);
      const twice = await store().refreshTokens.rotate(old.hash, makeToken(session.id), () => now);
      assert.deepEqual(twice, { outcome: 'invalid', reason: 'expired' });
    });

    it('answers invalid/session_revoked for a revoked session', async () => {
      const { session } = await userWithSession(store());
      const old = makeToken(session.id);
      await store().refreshTokens.insert(old);
      await store().sessions.revoke(session.id, 'logout', T0 + 1);
      const result = await store().refreshTokens.rotate(old.hash, makeToken(session.id), () => now);
      assert.deepEqual(result, { outcome: 'invalid', reason: 'session_revoked' });
      assert.equal((await store().refreshTokens.findByHash(old.hash))?.usedAt, null);
    });

    it('answers invalid/session_expired for an expired session', async () => {
      const { session } = await userWithSession(store(), { expiresAt: now });
      const old = makeToken(session.id, { expiresAt: now + HOUR });
      await store().refreshTokens.insert(old);
      const result = await store().refreshTokens.rotate(old.hash, makeToken(session.id), () => now);
      assert.deepEqual(result, { outcome: 'invalid', reason: 'session_expired' });
      assert.equal((await store().sessions.findById(session.id))?.lastRefreshedAt, null);
    });

    it('rolls back when the next token names another session', async () => {
      const { session } = await userWithSession(store());
      const { session: other } = await userWithSession(store());
      const old = makeToken(session.id);
      await store().refreshTokens.insert(old);
      const stray = makeToken(other.id);
      await assert.rejects(store().refreshTokens.rotate(old.hash, stray, () => now));
      assert.equal((await store().refreshTokens.findByHash(old.hash))?.usedAt, null);
      assert.equal(await store().refreshTokens.findByHash(stray.hash), undefined);
    });

    it('of 20 concurrent rotations of one token, exactly one wins', async () => {
      const { user, session } = await userWithSession(store());
      const old = makeToken(session.id);
      await store().refreshTokens.insert(old);
      const nexts = Array.from({ length: 20 }, () => makeToken(session.id));
      const results = await Promise.all(nexts.map((next) => store().refreshTokens.rotate(old.hash, next, () => now)));
      const rotated = results.filter((r) => r.outcome === 'rotated');
      const reused = results.filter((r) => r.outcome === 'reused');
      assert.equal(rotated.length, 1);
      assert.equal(reused.length, 19);
      for (const r of reused) assert.deepEqual(r, { outcome: 'reused', sessionId: session.id, userId: user.id });
      const stored = await Promise.all(nexts.map((n) => store().refreshTokens.findByHash(n.hash)));
      assert.equal(stored.filter((t) => t !== undefined).length, 1);
      const winner = results.findIndex((r) => r.outcome === 'rotated');
      assert.deepEqual(stored[winner], nexts[winner]);
    });

    refreshReuseSuite(store);
  });
}
