import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError } from '../../../src/errors/index.js';
import type { UserRecord } from '../../../src/store/types.js';
import { assertRejectsBadCursors, collectPages } from './pages.js';
import { HOUR, T0, freshStore, makeUser } from './fixtures.js';
import type { OpenStore } from './fixtures.js';

export function usersSuite(open: OpenStore): void {
  describe('users', () => {
    const store = freshStore(open);

    it('creates and finds by id and username, with exact types', async () => {
      const user = makeUser({ role: 'admin', attributes: { employee_id: 'emp-1' }, disabled: true, updatedAt: T0 + 5 });
      await store().users.create(user);
      assert.deepEqual(await store().users.findById(user.id), user);
      const byName = await store().users.findByUsername(user.username);
      assert.deepEqual(byName, user);
      assert.equal(typeof byName?.createdAt, 'number');
      assert.equal(byName?.disabled, true);
    });

    it('finds a user with the ids of the roles they hold in one read', async () => {
      const user = makeUser({ role: 'clerk' });
      await store().users.create(user);
      const found = await store().users.findByIdWithRoleIds(user.id);
      assert.deepEqual(found, { user: await store().users.findById(user.id), roleIds: ['role_clerk'] });
      await store().registry.setUserRoles(user.id, ['role_admin', 'role_clerk']);
      assert.deepEqual([...((await store().users.findByIdWithRoleIds(user.id))?.roleIds ?? [])].sort(), [
        'role_admin',
        'role_clerk',
      ]);
      await store().registry.setUserRoles(user.id, []);
      assert.deepEqual((await store().users.findByIdWithRoleIds(user.id))?.roleIds, []);
      assert.equal(await store().users.findByIdWithRoleIds('nope'), undefined);
    });

    it('answers undefined for unknown ids and usernames; matches usernames exactly', async () => {
      const user = makeUser({ username: 'exact.name' });
      await store().users.create(user);
      assert.equal(await store().users.findById('nope'), undefined);
      assert.equal(await store().users.findByUsername('Exact.Name'), undefined);
      assert.equal(await store().users.findByUsername('exact.name '), undefined);
    });

    it('rejects a duplicate username with ConflictError', async () => {
      const first = makeUser({ username: 'taken' });
      await store().users.create(first);
      await assert.rejects(
        store().users.create(makeUser({ username: 'taken' })),
        (error: unknown) => error instanceof ConflictError && error.code === 'conflict',
      );
      assert.deepEqual(await store().users.findByUsername('taken'), first);
    });

    it('updates only the patched fields and returns the record', async () => {
      const user = makeUser({ attributes: { employee_id: 'emp-2', team: 'north' } });
      await store().users.create(user);
      const disabled = await store().users.update(user.id, { disabled: true, updatedAt: T0 + 1 });
      assert.deepEqual(disabled, { ...user, disabled: true, updatedAt: T0 + 1 });

      const patched = await store().users.update(user.id, {
        role: 'employee',
        attributes: { team: 'north' },
        passwordHash: 'new-hash',
        passwordChangedAt: T0 + HOUR,
        disabled: false,
        updatedAt: T0 + HOUR,
      });
      const expected: UserRecord = {
        ...user,
        role: 'employee',
        attributes: { team: 'north' },
        passwordHash: 'new-hash',
        passwordChangedAt: T0 + HOUR,
        updatedAt: T0 + HOUR,
      };
      assert.deepEqual(patched, expected);
      assert.deepEqual(await store().users.findById(user.id), expected);
    });

    it('answers undefined when updating an unknown user', async () => {
      assert.equal(await store().users.update('nope', { updatedAt: T0 }), undefined);
    });
  });

  describe('users list and count', () => {
    const store = freshStore(open);
    // Ties on createdAt are broken by id; ids sort the same under any collation.
    const users = [3, 1, 1, 2, 0, 1, 5, 4].map((minute, i) =>
      makeUser({ id: `user-${String(i).padStart(2, '0')}`, createdAt: T0 + minute * 60_000 }),
    );
    const sorted = [...users].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));

    it('counts users', async () => {
      assert.equal(await store().users.count(), 0);
      for (const user of users) await store().users.create(user);
      assert.equal(await store().users.count(), users.length);
    });

    it('pages by createdAt then id, last page has a null cursor', async () => {
      const pages = await collectPages((p) => store().users.list(p), 3);
      assert.deepEqual(
        pages.map((p) => p.length),
        [3, 3, 2],
      );
      assert.deepEqual(pages.flat(), sorted);
      const exact = await collectPages((p) => store().users.list(p), 4);
      assert.deepEqual(
        exact.map((p) => p.length),
        [4, 4],
      );
      const one = await store().users.list({ limit: 100 });
      assert.equal(one.nextCursor, null);
      assert.deepEqual(one.items, sorted);
    });

    it('keeps a cursor stable when rows are added before it', async () => {
      const first = await store().users.list({ limit: 3 });
      assert.ok(first.nextCursor !== null);
      await store().users.create(makeUser({ id: 'user-early', createdAt: T0 - HOUR }));
      const second = await store().users.list({ cursor: first.nextCursor, limit: 3 });
      assert.deepEqual(second.items, sorted.slice(3, 6));
    });

    it('rejects malformed cursors with InvalidRequestError', async () => {
      await assertRejectsBadCursors((p) => store().users.list(p));
    });
  });
}
