import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { T0, freshStore, makeKey } from './fixtures.js';
import type { OpenStore } from './fixtures.js';

export function keysSuite(open: OpenStore): void {
  describe('signing keys', () => {
    const store = freshStore(open);
    const older = makeKey({ kid: 'k-older', createdAt: T0 - 2000, state: 'active', activatedAt: T0 - 1000 });
    const hmac = makeKey({ kid: 'k-hmac', alg: 'HS256', publicJwk: null, createdAt: T0 });
    const newest = makeKey({
      kid: 'k-newest',
      createdAt: T0 + 5000,
      publicJwk: { kty: 'EC', crv: 'P-256', x: 'ä', y: 'b', key_ops: ['verify'], ext: true },
    });

    it('inserts and finds keys, JWK JSON and null intact', async () => {
      for (const key of [hmac, newest, older]) await store().keys.insert(key);
      assert.deepEqual(await store().keys.findByKid(older.kid), older);
      assert.deepEqual(await store().keys.findByKid(hmac.kid), hmac);
      assert.deepEqual(await store().keys.findByKid(newest.kid), newest);
      assert.equal(await store().keys.findByKid('nope'), undefined);
    });

    it('lists newest first', async () => {
      assert.deepEqual(
        (await store().keys.list()).map((k) => k.kid),
        [newest.kid, hmac.kid, older.kid],
      );
    });

    it('setState stamps the matching timestamp only', async () => {
      assert.equal(await store().keys.setState(newest.kid, 'active', T0 + 10), true);
      assert.deepEqual(await store().keys.findByKid(newest.kid), {
        ...newest,
        state: 'active',
        activatedAt: T0 + 10,
      });
      assert.equal(await store().keys.setState(older.kid, 'retired', T0 + 11), true);
      assert.deepEqual(await store().keys.findByKid(older.kid), {
        ...older,
        state: 'retired',
        retiredAt: T0 + 11,
      });
      assert.equal(await store().keys.setState(older.kid, 'removed', T0 + 12), true);
      assert.deepEqual(await store().keys.findByKid(older.kid), {
        ...older,
        state: 'removed',
        retiredAt: T0 + 11,
        removedAt: T0 + 12,
      });
      assert.equal(await store().keys.setState(hmac.kid, 'next', T0 + 13), true);
      assert.deepEqual(await store().keys.findByKid(hmac.kid), hmac);
    });

    it('setState answers false for an unknown kid', async () => {
      assert.equal(await store().keys.setState('nope', 'active', T0), false);
    });
  });

  describe('signing keys: insertIfNoNext', () => {
    const store = freshStore(open);

    it('of concurrent callers exactly one inserts; later calls refuse while a next key exists', async () => {
      await store().keys.insert(makeKey({ kid: 'k-live', state: 'active', activatedAt: T0 }));
      const candidates = ['k-a', 'k-b', 'k-c', 'k-d'].map((kid) => makeKey({ kid }));
      const results = await Promise.all(candidates.map((key) => store().keys.insertIfNoNext(key)));
      assert.equal(results.filter(Boolean).length, 1);
      const next = (await store().keys.list()).filter((k) => k.state === 'next');
      assert.equal(next.length, 1);
      assert.equal(await store().keys.insertIfNoNext(makeKey({ kid: 'k-e' })), false);
      assert.equal(await store().keys.setState(next[0]?.kid ?? '', 'active', T0 + 1), true);
      assert.equal(await store().keys.insertIfNoNext(makeKey({ kid: 'k-f' })), true);
      await assert.rejects(store().keys.insertIfNoNext(makeKey({ kid: 'k-g', state: 'active' })), /state next/);
    });
  });

  describe('signing keys: exclusive', () => {
    const store = freshStore(open);

    it('concurrent deciders see each other: "insert an active key unless one exists" inserts once', async () => {
      const decide = (kid: string) =>
        store().keys.exclusive(async (keys) => {
          if ((await keys.list()).some((k) => k.state === 'active')) return false;
          await keys.insert(makeKey({ kid, state: 'active', activatedAt: T0 }));
          return true;
        });
      const results = await Promise.all(['x-a', 'x-b', 'x-c', 'x-d'].map(decide));
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal((await store().keys.list()).filter((k) => k.state === 'active').length, 1);
    });

    it('a failure inside rolls the whole decision back', async () => {
      await assert.rejects(
        store().keys.exclusive(async (keys) => {
          await keys.insert(makeKey({ kid: 'x-rolled-back' }));
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await store().keys.findByKid('x-rolled-back'), undefined);
    });
  });
}
