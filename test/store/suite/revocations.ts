import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RevocationRecord } from '../../../src/store/types.js';
import { HOUR, T0, freshStore } from './fixtures.js';
import type { OpenStore } from './fixtures.js';

const byKey = (a: RevocationRecord, b: RevocationRecord): number =>
  a.kind === b.kind ? (a.value < b.value ? -1 : 1) : a.kind < b.kind ? -1 : 1;

export function revocationsSuite(open: OpenStore): void {
  describe('revocations', () => {
    const store = freshStore(open);

    it('adds entries and lists those with expiresAt > now', async () => {
      const jti: RevocationRecord = { kind: 'jti', value: 'j1', expiresAt: T0 + HOUR, createdAt: T0 };
      const sid: RevocationRecord = { kind: 'sid', value: 'j1', expiresAt: T0 + 2 * HOUR, createdAt: T0 };
      const user: RevocationRecord = { kind: 'user', value: 'u1', expiresAt: T0 + 3 * HOUR, createdAt: T0 };
      for (const r of [jti, sid, user]) await store().revocations.add(r);
      assert.deepEqual((await store().revocations.listActive(T0)).sort(byKey), [jti, sid, user]);
      assert.deepEqual(await store().revocations.listActive(T0 + 2 * HOUR), [user]);
      assert.deepEqual(await store().revocations.listActive(T0 + 3 * HOUR), []);
    });

    it('upserts per (kind, value), keeping the later expiresAt and createdAt', async () => {
      const base: RevocationRecord = { kind: 'user', value: 'u2', expiresAt: T0 + HOUR, createdAt: T0 + 100 };
      await store().revocations.add(base);
      await store().revocations.add({ ...base, expiresAt: T0 + 10, createdAt: T0 });
      const find = async (): Promise<RevocationRecord | undefined> =>
        (await store().revocations.listActive(0)).find((r) => r.kind === 'user' && r.value === 'u2');
      assert.deepEqual(await find(), base);
      await store().revocations.add({ ...base, expiresAt: T0 + 5 * HOUR, createdAt: T0 + 50 });
      assert.deepEqual(await find(), { ...base, expiresAt: T0 + 5 * HOUR });
      await store().revocations.add({ ...base, expiresAt: T0, createdAt: T0 + 200 });
      assert.deepEqual(await find(), { ...base, expiresAt: T0 + 5 * HOUR, createdAt: T0 + 200 });
      await store().revocations.add(base);
      assert.deepEqual(await find(), { ...base, expiresAt: T0 + 5 * HOUR, createdAt: T0 + 200 });
    });

    it('purges entries with expiresAt <= now and counts them', async () => {
      const now = T0 + 2 * HOUR;
      const before = await store().revocations.listActive(0);
      const expected = before.filter((r) => r.expiresAt <= now).length;
      assert.ok(expected >= 2, 'the fixture has entries on and before the boundary');
      assert.equal(await store().revocations.purgeExpired(now), expected);
      const rest = await store().revocations.listActive(0);
      assert.ok(rest.every((r) => r.expiresAt > now));
      assert.equal(rest.length, before.length - expected);
      assert.equal(await store().revocations.purgeExpired(now), 0);
    });

    it("times entries on a controlled clock as given, and on the real clock by the database's (here, the same machine's)", async () => {
      assert.equal(await store().revocations.clockMs(() => T0), T0);
      const before = Date.now();
      const at = await store().revocations.clockMs(Date.now);
      assert.ok(Number.isSafeInteger(at));
      assert.ok(at >= before - 1_000 && at <= Date.now() + 1_000, `${at} is about now`);
    });
  });
}
