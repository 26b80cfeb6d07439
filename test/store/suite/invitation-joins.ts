import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PasskeyJoin, Store } from '../../../src/store/types.js';
import { HOUR, T0, freshStore, makeUser, uid } from './fixtures.js';
import type { OpenStore } from './fixtures.js';

async function pendingJoin(store: Store, overrides: Partial<PasskeyJoin> = {}): Promise<PasskeyJoin> {
  const invitationId = uid('i');
  const linkHash = uid('h');
  await store.accounts.createInvitation({
    id: invitationId,
    email: `${uid('x').toLowerCase()}@example.test`,
    roles: ['clerk'],
    invitedBy: null,
    attributes: {},
    createdAt: T0,
    expiresAt: T0 + HOUR,
    acceptedAt: null,
    userId: null,
  });
  await store.accounts.createLink({
    hash: linkHash,
    purpose: 'invitation',
    userId: null,
    email: null,
    subjectId: invitationId,
    data: null,
    createdAt: T0,
    expiresAt: T0 + HOUR,
    usedAt: null,
  });
  const user = makeUser();
  const passkey = {
    id: uid('cred'),
    userId: user.id,
    name: 'Laptop',
    publicKey: new Uint8Array([1, 2, 3]),
    counter: 0,
    transports: ['internal'],
    deviceType: 'singleDevice' as const,
    backedUp: false,
    aaguid: '00000000-0000-0000-0000-000000000000',
    createdAt: T0,
    lastUsedAt: null,
  };
  return { linkHash, invitationId, user, passkey, at: T0 + 1, ...overrides };
}

export function invitationJoinsSuite(open: OpenStore): void {
  describe('invitation joins with a passkey', () => {
    const store = freshStore(open);

    it('spends the link, creates the user and the passkey and accepts the invitation together, once', async () => {
      const join = await pendingJoin(store());
      assert.equal(await store().invitationJoins.joinWithPasskey(join), true);
      assert.equal((await store().users.findById(join.user.id))?.username, join.user.username);
      assert.deepEqual(
        (await store().passkeys.listForUser(join.user.id)).map((p) => p.id),
        [join.passkey.id],
      );
      assert.equal((await store().accounts.findLink(join.linkHash))?.usedAt, T0 + 1);
      assert.equal((await store().accounts.findInvitation(join.invitationId))?.userId, join.user.id);
      const again = { ...join, user: makeUser(), passkey: { ...join.passkey, id: uid('cred') } };
      again.passkey.userId = again.user.id;
      assert.equal(await store().invitationJoins.joinWithPasskey(again), false);
      assert.equal(await store().users.findById(again.user.id), undefined);
    });

    it('rolls everything back when the username exists or the credential is registered', async () => {
      const taken = makeUser();
      await store().users.create(taken);
      const join = await pendingJoin(store());
      const clash = { ...join, user: { ...join.user, username: taken.username } };
      await assert.rejects(store().invitationJoins.joinWithPasskey(clash), { code: 'conflict' });
      assert.equal((await store().accounts.findLink(join.linkHash))?.usedAt, null);
      assert.equal(await store().users.findById(join.user.id), undefined);
      assert.equal((await store().accounts.findInvitation(join.invitationId))?.acceptedAt, null);

      const first = await pendingJoin(store());
      assert.equal(await store().invitationJoins.joinWithPasskey(first), true);
      const second = await pendingJoin(store());
      await assert.rejects(
        store().invitationJoins.joinWithPasskey({ ...second, passkey: { ...second.passkey, id: first.passkey.id } }),
        { code: 'conflict' },
      );
      assert.equal(await store().users.findById(second.user.id), undefined);
      assert.equal((await store().accounts.findLink(second.linkHash))?.usedAt, null);
    });
  });
}
