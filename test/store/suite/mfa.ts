import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoginChallenge } from '../../../src/store/types.js';
import { HOUR, T0, freshStore, makeUser, uid, userWithSession } from './fixtures.js';
import type { OpenStore } from './fixtures.js';

function challenge(userId: string, overrides: Partial<LoginChallenge> = {}): LoginChallenge {
  return {
    hash: uid('c'),
    userId,
    purpose: 'mfa',
    amr: ['pwd'],
    createdAt: T0,
    expiresAt: T0 + 300_000,
    usedAt: null,
    attempts: 0,
    ...overrides,
  };
}

export function mfaSuite(open: OpenStore): void {
  describe('mfa', () => {
    const store = freshStore(open);
    const newUser = async () => {
      const user = makeUser();
      await store().users.create(user);
      return user;
    };

    it('saves, replaces and confirms an enrolment once, with its recovery codes', async () => {
      const user = await newUser();
      assert.equal(await store().mfa.findEnrolment(user.id), undefined);
      await store().mfa.saveEnrolment({
        userId: user.id,
        secretSealed: 'v1.a.b.c',
        createdAt: T0,
        confirmedAt: null,
        lastStep: null,
      });
      await store().mfa.saveEnrolment({
        userId: user.id,
        secretSealed: 'v1.d.e.f',
        createdAt: T0 + 1,
        confirmedAt: null,
        lastStep: null,
      });
      assert.deepEqual(await store().mfa.findEnrolment(user.id), {
        userId: user.id,
        secretSealed: 'v1.d.e.f',
        createdAt: T0 + 1,
        confirmedAt: null,
        lastStep: null,
      });
      assert.equal(await store().mfa.confirm(user.id, T0 + 2, 56_666_666_667, ['h1', 'h2']), true);
      assert.equal(await store().mfa.confirm(user.id, T0 + 3, 56_666_666_668, ['h3']), false, 'once');
      assert.deepEqual(await store().mfa.findEnrolment(user.id), {
        userId: user.id,
        secretSealed: 'v1.d.e.f',
        createdAt: T0 + 1,
        confirmedAt: T0 + 2,
        lastStep: 56_666_666_667,
      });
      assert.deepEqual((await store().mfa.unusedRecoveryCodes(user.id)).sort(), ['h1', 'h2']);
      assert.equal(await store().mfa.confirm('nobody', T0, 1, []), false);
    });

    it('advances the time step only forward: a step is accepted once, of concurrent uses one wins', async () => {
      const user = await newUser();
      await store().mfa.saveEnrolment({
        userId: user.id,
        secretSealed: 's',
        createdAt: T0,
        confirmedAt: T0,
        lastStep: null,
      });
      assert.equal(await store().mfa.advanceStep(user.id, 100), true);
      assert.equal(await store().mfa.advanceStep(user.id, 100), false);
      assert.equal(await store().mfa.advanceStep(user.id, 99), false);
      const race = await Promise.all(Array.from({ length: 8 }, () => store().mfa.advanceStep(user.id, 101)));
      assert.equal(race.filter(Boolean).length, 1);
      assert.equal((await store().mfa.findEnrolment(user.id))?.lastStep, 101);
    });

    it('uses a recovery code once, only for its user; removal deletes enrolment and codes', async () => {
      const user = await newUser();
      const other = await newUser();
      await store().mfa.saveEnrolment({
        userId: user.id,
        secretSealed: 's',
        createdAt: T0,
        confirmedAt: null,
        lastStep: null,
      });
      await store().mfa.confirm(user.id, T0, 1, ['ru1', 'ru2']);
      assert.equal(await store().mfa.useRecoveryCode(other.id, 'ru1', T0), false);
      const race = await Promise.all(
        Array.from({ length: 6 }, () => store().mfa.useRecoveryCode(user.id, 'ru1', T0 + 1)),
      );
      assert.equal(race.filter(Boolean).length, 1);
      assert.deepEqual(await store().mfa.unusedRecoveryCodes(user.id), ['ru2']);
      assert.equal(await store().mfa.removeEnrolment(user.id), true);
      assert.equal(await store().mfa.removeEnrolment(user.id), false);
      assert.deepEqual(await store().mfa.unusedRecoveryCodes(user.id), []);
    });

    it('login challenges: found by hash, attempts counted, consumed once while unexpired, purged after expiry', async () => {
      const user = await newUser();
      const live = challenge(user.id, { amr: ['pwd', 'otp'], purpose: 'password_change' });
      const old = challenge(user.id, { expiresAt: T0 + 10 });
      await store().mfa.createChallenge(live);
      await store().mfa.createChallenge(old);
      assert.deepEqual(await store().mfa.findChallenge(live.hash), live);
      assert.equal(await store().mfa.failChallenge(live.hash), 1);
      assert.equal(await store().mfa.failChallenge(live.hash), 2);
      assert.equal(await store().mfa.consumeChallenge(old.hash, T0 + 10), false, 'expired');
      const race = await Promise.all(Array.from({ length: 6 }, () => store().mfa.consumeChallenge(live.hash, T0 + 5)));
      assert.equal(race.filter(Boolean).length, 1);
      assert.deepEqual(await store().mfa.findChallenge(live.hash), { ...live, attempts: 2, usedAt: T0 + 5 });
      assert.equal(await store().mfa.purgeChallenges(T0 + 10), 1);
      assert.equal(await store().mfa.findChallenge(old.hash), undefined);
    });

    it('a session keeps its amr; one from before the migration reads as password only', async () => {
      const { session } = await userWithSession(store(), { amr: ['pwd', 'otp'] });
      assert.deepEqual((await store().sessions.findById(session.id))?.amr, ['pwd', 'otp']);
      const user = makeUser({ mustChangePassword: true });
      await store().users.create(user);
      assert.equal((await store().users.findById(user.id))?.mustChangePassword, true);
      await store().users.update(user.id, { mustChangePassword: false, updatedAt: T0 + 1 });
      assert.equal((await store().users.findById(user.id))?.mustChangePassword, false);
    });
  });

  describe('login failures', () => {
    const store = freshStore(open);

    it('counts per account and address (atomically), lists newest first, clears one address or all', async () => {
      const user = makeUser();
      await store().users.create(user);
      await Promise.all(
        Array.from({ length: 5 }, (_, i) => store().loginFailures.record(user.id, '192.0.2.1', T0 + i)),
      );
      await store().loginFailures.record(user.id, '2001:db8::7', T0 + HOUR);
      const rows = await store().loginFailures.list(user.id);
      assert.deepEqual(
        rows.map((r) => [r.ip, r.failures]),
        [
          ['2001:db8::7', 1],
          ['192.0.2.1', 5],
        ],
      );
      assert.equal(rows[1]?.firstFailedAt, T0);
      assert.equal(rows[1]?.lastFailedAt, T0 + 4);
      // One address's count: what the login throttle reads after losing its counters.
      assert.deepEqual(await store().loginFailures.find(user.id, '192.0.2.1'), {
        userId: user.id,
        ip: '192.0.2.1',
        failures: 5,
        firstFailedAt: T0,
        lastFailedAt: T0 + 4,
      });
      assert.equal(await store().loginFailures.find(user.id, '198.51.100.9'), undefined);
      assert.deepEqual(
        (await store().loginFailures.clear(user.id, '192.0.2.1')).map((r) => r.ip),
        ['192.0.2.1'],
      );
      assert.deepEqual(
        (await store().loginFailures.list(user.id)).map((r) => r.ip),
        ['2001:db8::7'],
      );
      assert.equal((await store().loginFailures.clear(user.id)).length, 1);
      assert.deepEqual(await store().loginFailures.list(user.id), []);
    });
  });
}
