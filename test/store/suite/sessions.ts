import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRejectsBadCursors, collectPages } from './pages.js';
import { refreshTokenRow } from '../../../src/store/sql/refresh-tokens.js';
import { PURGE_SESSIONS, PURGE_TOKENS } from '../../../src/store/sql/sessions.js';
import type { SqlStore } from '../../../src/store/sql/store.js';
import type { Store } from '../../../src/store/types.js';
import { HOUR, T0, freshStore, makeSession, makeToken, makeUser, userWithSession } from './fixtures.js';
import type { OpenStore } from './fixtures.js';

export function sessionsSuite(open: OpenStore): void {
  describe('sessions', () => {
    const store = freshStore(open);
    /** On a store of its own: the purge sees every session in it. */
    const onOwnStore = async (body: (own: Store) => Promise<void>) => {
      const own = await open();
      try {
        await body(own);
      } finally {
        await own.close();
      }
    };

    it('purges sessions expired by the cut-off with their refresh tokens, and nothing else', async () => {
      await onOwnStore(async (own) => {
        const ended = await userWithSession(own, { expiresAt: T0 + HOUR });
        const revoked = await userWithSession(own, {
          expiresAt: T0 + 2 * HOUR,
          revokedAt: T0,
          revokedReason: 'logout',
        });
        const live = await userWithSession(own, { expiresAt: T0 + 2 * HOUR + 1 });
        const tokens = [
          makeToken(ended.session.id, { usedAt: T0 + 1 }),
          makeToken(ended.session.id),
          makeToken(revoked.session.id),
          makeToken(live.session.id, { usedAt: T0 + 1 }),
          makeToken(live.session.id),
        ];
        for (const token of tokens) await own.refreshTokens.insert(token);
        assert.deepEqual(await own.sessions.purgeEnded(T0 + 2 * HOUR), { sessions: 2, refreshTokens: 3 });
        assert.equal(await own.sessions.findById(ended.session.id), undefined);
        assert.equal(await own.sessions.findById(revoked.session.id), undefined);
        assert.deepEqual(await own.sessions.findById(live.session.id), live.session);
        for (const token of tokens.slice(0, 3)) assert.equal(await own.refreshTokens.findByHash(token.hash), undefined);
        for (const token of tokens.slice(3)) assert.deepEqual(await own.refreshTokens.findByHash(token.hash), token);
        assert.deepEqual(await own.sessions.purgeEnded(T0 + 2 * HOUR), { sessions: 0, refreshTokens: 0 });
        assert.ok(await own.users.findById(ended.user.id), 'the user stays');
      });
    });

    it('purges a bounded batch a call, oldest first, finishing a long session on a later call', async () => {
      await onOwnStore(async (own) => {
        const user = makeUser();
        await own.users.create(user);
        // The oldest session has more tokens than one call deletes.
        const long = makeSession(user.id, { expiresAt: T0 });
        await own.sessions.create(long);
        // Written in bulk (one durable insert each would take seconds).
        const rows = Array.from({ length: PURGE_TOKENS + 1 }, () =>
          refreshTokenRow(makeToken(long.id, { usedAt: T0 })),
        );
        for (let i = 0; i < rows.length; i += 1_000)
          await (own as SqlStore).db
            .insertInto('refresh_tokens')
            .values(rows.slice(i, i + 1_000))
            .execute();
        const others = Array.from({ length: PURGE_SESSIONS }, (_, i) =>
          makeSession(user.id, { expiresAt: T0 + 1 + i }),
        );
        for (const session of others) await own.sessions.create(session);
        // The long session's tokens up to the bound; the sessions left without tokens, up to theirs.
        assert.deepEqual(await own.sessions.purgeEnded(T0 + HOUR), {
          sessions: PURGE_SESSIONS,
          refreshTokens: PURGE_TOKENS,
        });
        assert.ok(await own.sessions.findById(long.id), 'kept while it has tokens');
        assert.deepEqual(await own.sessions.purgeEnded(T0 + HOUR), { sessions: 1, refreshTokens: 1 });
        assert.equal(await own.sessions.findById(long.id), undefined);
        assert.deepEqual(await own.sessions.purgeEnded(T0 + HOUR), { sessions: 0, refreshTokens: 0 });
      });
    });

    it('creates and finds a session, nulls and values intact', async () => {
      const { user, session } = await userWithSession(store());
      assert.deepEqual(await store().sessions.findById(session.id), session);
      const full = makeSession(user.id, {
        lastRefreshedAt: T0 + 1,
        userAgent: 'curl/8 ünïcode',
        ip: '2001:db8::1',
      });
      await store().sessions.create(full);
      assert.deepEqual(await store().sessions.findById(full.id), full);
      assert.equal(await store().sessions.findById('nope'), undefined);
    });

    it('revokes once: true, then false; unknown ids false', async () => {
      const { session } = await userWithSession(store());
      assert.equal(await store().sessions.revoke(session.id, 'logout', T0 + 10), true);
      assert.equal(await store().sessions.revoke(session.id, 'admin', T0 + 20), false);
      const after = await store().sessions.findById(session.id);
      assert.equal(after?.revokedAt, T0 + 10);
      assert.equal(after?.revokedReason, 'logout');
      assert.equal(await store().sessions.revoke('nope', 'logout', T0), false);
    });

    it('revokeAllForUser revokes the open sessions but the excepted one', async () => {
      const user = makeUser();
      const other = makeUser();
      await store().users.create(user);
      await store().users.create(other);
      const keep = makeSession(user.id);
      const open1 = makeSession(user.id, { expiresAt: T0 + HOUR });
      const open2 = makeSession(user.id, { expiresAt: T0 + 2 * HOUR });
      const done = makeSession(user.id, { revokedAt: T0 + 1, revokedReason: 'logout' });
      const foreign = makeSession(other.id);
      for (const s of [keep, open1, open2, done, foreign]) await store().sessions.create(s);

      const revoked = await store().sessions.revokeAllForUser(user.id, 'password_changed', T0 + 5, keep.id);
      assert.deepEqual(
        [...revoked].sort((a, b) => a.expiresAt - b.expiresAt),
        [
          { id: open1.id, expiresAt: open1.expiresAt },
          { id: open2.id, expiresAt: open2.expiresAt },
        ],
      );
      assert.equal((await store().sessions.findById(keep.id))?.revokedAt, null);
      assert.equal((await store().sessions.findById(open1.id))?.revokedReason, 'password_changed');
      assert.deepEqual(await store().sessions.findById(done.id), done);
      assert.deepEqual(await store().sessions.findById(foreign.id), foreign);

      const rest = await store().sessions.revokeAllForUser(user.id, 'disabled', T0 + 6);
      assert.deepEqual(rest, [{ id: keep.id, expiresAt: keep.expiresAt }]);
      assert.deepEqual(await store().sessions.revokeAllForUser(user.id, 'disabled', T0 + 7), []);
    });
  });

  describe('sessions list', () => {
    const store = freshStore(open);
    const now = T0 + 10 * HOUR;

    it('filters by user and by active-at, pages by createdAt then id', async () => {
      const a = makeUser();
      const b = makeUser();
      await store().users.create(a);
      await store().users.create(b);
      const mine = Array.from({ length: 7 }, (_, i) =>
        makeSession(a.id, { id: `s-a-${i}`, createdAt: T0 + (i % 3) * 1000 }),
      );
      const expired = makeSession(a.id, { id: 's-a-expired', expiresAt: now });
      const revoked = makeSession(a.id, { id: 's-a-revoked', revokedAt: T0, revokedReason: 'x' });
      const theirs = makeSession(b.id, { id: 's-b-0' });
      for (const s of [...mine, expired, revoked, theirs]) await store().sessions.create(s);
      const order = (list: typeof mine): typeof mine =>
        [...list].sort((x, y) => x.createdAt - y.createdAt || (x.id < y.id ? -1 : 1));

      const all = await collectPages((p) => store().sessions.list({}, p), 4);
      assert.equal(all.flat().length, 10);
      const ofA = await collectPages((p) => store().sessions.list({ userId: a.id }, p), 3);
      assert.deepEqual(ofA.flat(), order([...mine, expired, revoked]));
      const active = await collectPages((p) => store().sessions.list({ userId: a.id, activeAt: now }, p), 3);
      assert.deepEqual(
        active.map((p) => p.length),
        [3, 3, 1],
      );
      assert.deepEqual(active.flat(), order(mine));
      const activeB = await store().sessions.list({ userId: b.id, activeAt: now }, { limit: 10 });
      assert.deepEqual(activeB, { items: [theirs], nextCursor: null });
    });

    it('rejects malformed cursors with InvalidRequestError', async () => {
      await assertRejectsBadCursors((p) => store().sessions.list({}, p));
    });
  });
}
