import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PasskeyRecord } from '../../../src/store/types.js';
import { T0, freshStore, makeUser, uid } from './fixtures.js';
import type { OpenStore } from './fixtures.js';

function passkey(userId: string, overrides: Partial<PasskeyRecord> = {}): PasskeyRecord {
  return {
    id: uid('cred'),
    userId,
    name: 'Laptop',
    publicKey: new Uint8Array([1, 2, 3, 250]),
    counter: 0,
    transports: ['internal', 'hybrid'],
    deviceType: 'singleDevice',
    backedUp: false,
    aaguid: '00000000-0000-0000-0000-000000000000',
    createdAt: T0,
    lastUsedAt: null,
    ...overrides,
  };
}

export function passkeysSuite(open: OpenStore): void {
  describe('passkeys', () => {
    const store = freshStore(open);
    const newUser = async () => {
      const user = makeUser();
      await store().users.create(user);
      return user;
    };

    it("creates, finds, lists (oldest first), renames and removes a user's passkeys; a duplicate id is a ConflictError", async () => {
      const [alice, bob] = [await newUser(), await newUser()];
      const first = passkey(alice.id, { createdAt: T0 + 1, counter: 2 ** 32 - 1 });
      const second = passkey(alice.id, {
        createdAt: T0 + 2,
        deviceType: 'multiDevice',
        backedUp: true,
        transports: [],
      });
      await store().passkeys.create(second);
      await store().passkeys.create(first);
      await assert.rejects(store().passkeys.create({ ...first, userId: bob.id }), { code: 'conflict' });
      assert.deepEqual(await store().passkeys.findById(first.id), first);
      assert.deepEqual(
        (await store().passkeys.listForUser(alice.id)).map((p) => p.id),
        [first.id, second.id],
      );
      assert.deepEqual(await store().passkeys.listForUser(bob.id), []);
      assert.equal(await store().passkeys.rename(bob.id, first.id, 'Stolen'), undefined);
      assert.equal((await store().passkeys.rename(alice.id, first.id, 'Work'))?.name, 'Work');
      assert.equal(await store().passkeys.remove(bob.id, first.id), false);
      assert.equal(await store().passkeys.remove(alice.id, first.id), true);
      assert.equal(await store().passkeys.findById(first.id), undefined);
    });

    it('records a use only while the counter is the one read: of racing uses, one wins', async () => {
      const user = await newUser();
      const p = passkey(user.id, { counter: 5 });
      await store().passkeys.create(p);
      const race = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          store().passkeys.recordUse(p.id, 5, { counter: 6 + i, backedUp: true, at: T0 + i }),
        ),
      );
      assert.equal(race.filter(Boolean).length, 1);
      const after = await store().passkeys.findById(p.id);
      assert.equal(after?.backedUp, true);
      assert.ok((after?.counter ?? 0) >= 6 && after?.lastUsedAt !== null);
    });

    it('consumes a challenge once, only for its purpose and user, only before it expires; purges expired ones', async () => {
      const user = await newUser();
      const hash = uid('h');
      await store().passkeys.createChallenge({
        hash,
        purpose: 'registration',
        userId: user.id,
        createdAt: T0,
        expiresAt: T0 + 300_000,
      });
      assert.equal(await store().passkeys.consumeChallenge(hash, 'sign_in', null, T0), false);
      assert.equal(await store().passkeys.consumeChallenge(hash, 'registration', 'someone-else', T0), false);
      assert.equal(
        await store().passkeys.consumeChallenge(hash, 'registration', user.id, T0 + 300_000),
        false,
        'expired',
      );
      const race = await Promise.all(
        Array.from({ length: 6 }, () => store().passkeys.consumeChallenge(hash, 'registration', user.id, T0 + 1)),
      );
      assert.equal(race.filter(Boolean).length, 1);
      const signIn = uid('h');
      await store().passkeys.createChallenge({
        hash: signIn,
        purpose: 'sign_in',
        userId: null,
        createdAt: T0,
        expiresAt: T0 + 1_000,
      });
      assert.ok((await store().passkeys.purgeChallenges(T0 + 1_000)) >= 1);
      assert.equal(await store().passkeys.consumeChallenge(signIn, 'sign_in', null, T0), false);
    });
  });
}
