import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccountLinkRecord, OutboxMessage } from '../../../src/store/types.js';
import { HOUR, T0, freshStore, makeUser, uid } from './fixtures.js';
import type { OpenStore } from './fixtures.js';

function link(overrides: Partial<AccountLinkRecord> = {}): AccountLinkRecord {
  return {
    hash: uid('h'),
    purpose: 'password_reset',
    userId: null,
    email: 'a@example.test',
    subjectId: null,
    data: null,
    createdAt: T0,
    expiresAt: T0 + HOUR,
    usedAt: null,
    ...overrides,
  };
}

function message(overrides: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    id: uid('m'),
    eventKey: uid('e'),
    to: 'a@example.test',
    template: 'password_reset',
    bodySealed: 'v1.a.b.c',
    createdAt: T0,
    attempts: 0,
    nextAttemptAt: T0,
    leaseUntil: null,
    sentAt: null,
    failedAt: null,
    lastError: null,
    ...overrides,
  };
}

export function accountsSuite(open: OpenStore): void {
  describe('accounts', () => {
    const store = freshStore(open);

    it('keeps email addresses unique across users and finds a user by address', async () => {
      const a = makeUser({ email: uid('a').toLowerCase() + '@example.test', emailVerifiedAt: T0 });
      await store().users.create(a);
      assert.deepEqual(await store().users.findByEmail(a.email as string), a);
      await assert.rejects(store().users.create(makeUser({ email: a.email })), { code: 'conflict' });
      const b = makeUser();
      await store().users.create(b);
      await store().users.create(makeUser());
      await assert.rejects(store().users.update(b.id, { email: a.email, updatedAt: T0 }), { code: 'conflict' });
      const changed = await store().users.update(b.id, {
        email: 'b-' + a.email,
        emailVerifiedAt: null,
        updatedAt: T0 + 1,
      });
      assert.equal(changed?.email, 'b-' + a.email);
      assert.equal(changed?.emailVerifiedAt, null);
    });

    it('consumes a link once, never after it expires, and retires older ones', async () => {
      const user = makeUser();
      await store().users.create(user);
      const l = link({ userId: user.id, data: { role: 'clerk' } });
      await store().accounts.createLink(l);
      assert.deepEqual(await store().accounts.findLink(l.hash), l);
      const race = await Promise.all(Array.from({ length: 6 }, () => store().accounts.consumeLink(l.hash, T0 + 1)));
      assert.equal(race.filter(Boolean).length, 1);
      assert.equal((await store().accounts.findLink(l.hash))?.usedAt, T0 + 1);
      const expired = link({ userId: user.id });
      await store().accounts.createLink(expired);
      assert.equal(await store().accounts.consumeLink(expired.hash, T0 + HOUR), false);
      const older = link({ userId: user.id });
      await store().accounts.createLink(older);
      assert.equal(await store().accounts.retireLinks(user.id, 'password_reset', T0 + 5), 2);
      assert.equal(await store().accounts.consumeLink(older.hash, T0 + 6), false);
      assert.ok((await store().accounts.purgeLinks(T0 + HOUR)) >= 3);
      assert.equal(await store().accounts.findLink(l.hash), undefined);
    });

    it('records an invitation and its acceptance once', async () => {
      const id = uid('i');
      await store().accounts.createInvitation({
        id,
        email: 'new@example.test',
        roles: ['clerk'],
        invitedBy: null,
        attributes: { employee_id: 'employee-7' },
        createdAt: T0,
        expiresAt: T0 + HOUR,
        acceptedAt: null,
        userId: null,
      });
      const user = makeUser();
      await store().users.create(user);
      assert.equal(await store().accounts.acceptInvitation(id, user.id, T0 + 1), true);
      assert.equal(await store().accounts.acceptInvitation(id, user.id, T0 + 2), false);
      assert.deepEqual(await store().accounts.findInvitation(id), {
        id,
        email: 'new@example.test',
        roles: ['clerk'],
        invitedBy: null,
        attributes: { employee_id: 'employee-7' },
        createdAt: T0,
        expiresAt: T0 + HOUR,
        acceptedAt: T0 + 1,
        userId: user.id,
      });
    });

    it('queues one message per event, leases it to one worker at a time, and forgets the body once sent', async () => {
      const m = message({ nextAttemptAt: T0 + 10_000_000 });
      assert.equal(await store().accounts.enqueue(m), true);
      assert.equal(await store().accounts.enqueue({ ...m, id: uid('m') }), false, 'same event key');
      assert.equal(
        await store().accounts.atomically((accounts) => accounts.enqueue({ ...m, id: uid('m') })),
        false,
        'also inside a transaction',
      );
      const now = T0 + 10_000_000;
      const claims = await Promise.all([
        store().accounts.claimDue(now, 30_000, 10),
        store().accounts.claimDue(now, 30_000, 10),
      ]);
      const mine = claims.flat().filter((c) => c.id === m.id);
      assert.equal(mine.length, 1, 'one worker holds the lease');
      assert.equal(mine[0]?.attempts, 1);
      assert.deepEqual(
        (await store().accounts.claimDue(now + 1_000, 30_000, 10)).filter((c) => c.id === m.id),
        [],
        'leased',
      );
      await store().accounts.markFailed(m.id, 'connection refused', now + 60_000, false, now + 1_000);
      assert.deepEqual(
        (await store().accounts.claimDue(now + 2_000, 30_000, 10)).filter((c) => c.id === m.id),
        [],
        'not due yet',
      );
      const again = (await store().accounts.claimDue(now + 60_000, 30_000, 10)).find((c) => c.id === m.id);
      assert.equal(again?.attempts, 2);
      assert.equal(again?.lastError, 'connection refused');
      await store().accounts.markSent(m.id, now + 61_000);
      const sent = await store().accounts.findMessage(m.eventKey);
      assert.equal(sent?.sentAt, now + 61_000);
      assert.equal(sent?.bodySealed, null);
      assert.deepEqual(
        (await store().accounts.claimDue(now + 10 * HOUR, 30_000, 10)).filter((c) => c.id === m.id),
        [],
        'never again',
      );
    });

    it('rolls a transaction back whole', async () => {
      const l = link();
      await assert.rejects(
        store().accounts.atomically(async (accounts) => {
          await accounts.createLink(l);
          throw new Error('mail could not be queued');
        }),
      );
      assert.equal(await store().accounts.findLink(l.hash), undefined);
    });
  });
}
