import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../../src/store/types.js';
import { HOUR, T0, makeToken, userWithSession } from './fixtures.js';

const WINDOW = 10_000;

/** rotate() with a reuse window: the successor is the same `next` every time (derived, not random). */
export function refreshReuseSuite(store: () => Store): void {
  describe('refresh tokens: reuse window', () => {
    const now = T0 + HOUR;

    async function rotatedPair() {
      const { user, session } = await userWithSession(store());
      const old = makeToken(session.id);
      const next = makeToken(session.id, { createdAt: now });
      await store().refreshTokens.insert(old);
      assert.equal((await store().refreshTokens.rotate(old.hash, next, () => now, WINDOW)).outcome, 'rotated');
      return { user, session, old, next };
    }

    it('of 20 concurrent rotations with one successor: one rotates, 19 replay it, one row stored', async () => {
      const { session } = await userWithSession(store());
      const old = makeToken(session.id);
      const next = makeToken(session.id, { createdAt: now });
      await store().refreshTokens.insert(old);
      const results = await Promise.all(
        Array.from({ length: 20 }, () => store().refreshTokens.rotate(old.hash, next, () => now, WINDOW)),
      );
      assert.equal(
        results.filter((r) => r.outcome === 'rotated').length,
        1,
        JSON.stringify(results.map((r) => r.outcome)),
      );
      const replayed = results.filter((r) => r.outcome === 'replayed');
      assert.equal(replayed.length, 19);
      for (const r of replayed)
        assert.deepEqual(r, { outcome: 'replayed', session: { ...session, lastRefreshedAt: now }, sinceUseMs: 0 });
      assert.deepEqual(await store().refreshTokens.findByHash(old.hash), { ...old, usedAt: now });
      assert.deepEqual(await store().refreshTokens.findByHash(next.hash), next);
    });

    it('replays until the window ends (exclusive), then reports reuse', async () => {
      const { user, session, old, next } = await rotatedPair();
      const inside = await store().refreshTokens.rotate(old.hash, next, () => now + WINDOW - 1, WINDOW);
      assert.deepEqual(inside, {
        outcome: 'replayed',
        session: { ...session, lastRefreshedAt: now },
        sinceUseMs: WINDOW - 1,
      });
      const after = await store().refreshTokens.rotate(old.hash, next, () => now + WINDOW, WINDOW);
      assert.deepEqual(after, { outcome: 'reused', sessionId: session.id, userId: user.id });
      assert.deepEqual(await store().refreshTokens.findByHash(next.hash), next, 'the successor is untouched');
    });

    it('reports reuse once the successor itself was rotated, even inside the window', async () => {
      const { user, session, old, next } = await rotatedPair();
      const third = makeToken(session.id, { createdAt: now + 1 });
      assert.equal((await store().refreshTokens.rotate(next.hash, third, () => now + 1, WINDOW)).outcome, 'rotated');
      const replay = await store().refreshTokens.rotate(old.hash, next, () => now + 2, WINDOW);
      assert.deepEqual(replay, { outcome: 'reused', sessionId: session.id, userId: user.id });
    });

    it('never replays into a revoked or expired session', async () => {
      const revoked = await rotatedPair();
      await store().sessions.revoke(revoked.session.id, 'logout', now + 1);
      const afterRevoke = await store().refreshTokens.rotate(revoked.old.hash, revoked.next, () => now + 2, WINDOW);
      assert.deepEqual(afterRevoke, { outcome: 'reused', sessionId: revoked.session.id, userId: revoked.user.id });

      const { user, session } = await userWithSession(store(), { expiresAt: now + 5 });
      const old = makeToken(session.id, { expiresAt: now + 5 });
      const next = makeToken(session.id, { expiresAt: now + 5 });
      await store().refreshTokens.insert(old);
      assert.equal((await store().refreshTokens.rotate(old.hash, next, () => now, WINDOW)).outcome, 'rotated');
      const late = await store().refreshTokens.rotate(old.hash, next, () => now + 5, WINDOW);
      assert.deepEqual(late, { outcome: 'reused', sessionId: session.id, userId: user.id });
    });

    it('replays only the stored successor: another `next` is reuse and is not inserted', async () => {
      const { user, session, old } = await rotatedPair();
      const forged = makeToken(session.id);
      const replay = await store().refreshTokens.rotate(old.hash, forged, () => now + 1, WINDOW);
      assert.deepEqual(replay, { outcome: 'reused', sessionId: session.id, userId: user.id });
      assert.equal(await store().refreshTokens.findByHash(forged.hash), undefined);
    });

    it('with no window (0) a used token is always reuse', async () => {
      const { user, session, old, next } = await rotatedPair();
      const replay = await store().refreshTokens.rotate(old.hash, next, () => now, 0);
      assert.deepEqual(replay, { outcome: 'reused', sessionId: session.id, userId: user.id });
    });
  });
}
