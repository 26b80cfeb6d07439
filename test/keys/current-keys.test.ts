import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyManager } from '../../src/auth/keys/key-manager.js';
import type { KeyConfig } from '../../src/auth/keys/key-setup.js';
import { KEY_RELOAD_INTERVAL_MS, REMOVED_KEY_GRACE_MS } from '../../src/auth/keys/key-timing.js';
import type { KeysStore, SigningKeyRecord } from '../../src/store/types.js';

/** A KeysStore in memory, counting list() calls; `marker` plays SQLite's data_version when set. */
function memoryKeys(marker?: { value: number }): KeysStore & { lists: number } {
  const rows = new Map<string, SigningKeyRecord>();
  const store: KeysStore & { lists: number } = {
    lists: 0,
    insert: async (key) => {
      rows.set(key.kid, { ...key });
    },
    findByKid: async (kid) => rows.get(kid),
    list: async () => {
      store.lists += 1;
      return [...rows.values()].map((r) => ({ ...r })).reverse();
    },
    setState: async (kid, state, at) => {
      const row = rows.get(kid);
      if (row === undefined) return false;
      row.state = state;
      if (state === 'active') row.activatedAt = at;
      if (state === 'retired') row.retiredAt = at;
      if (state === 'removed') row.removedAt = at;
      return true;
    },
    insertIfNoNext: async (key) => {
      if ([...rows.values()].some((r) => r.state === 'next')) return false;
      rows.set(key.kid, { ...key });
      return true;
    },
    exclusive: (work) => work(store),
    externalChangeMarker: marker === undefined ? undefined : () => marker.value,
  };
  return store;
}

const config: KeyConfig = {
  signingAlg: 'ES256',
  hs256Secret: undefined,
  signingKeyFile: undefined,
  accessTokenTtlSeconds: 900,
  clockSkewSeconds: 30,
  jwksMaxAgeSeconds: 300,
  keyRotationIntervalSeconds: 0,
};
const kek = () => Buffer.alloc(32, 7);

describe("KeyManager: signing only with the store's current keys", () => {
  it('SQLite: a commit by another process (marker changed) is read before the next signature; an unchanged marker reads nothing', async () => {
    const marker = { value: 1 };
    const store = memoryKeys(marker);
    const server = new KeyManager(store, kek, config);
    await server.init();
    const cli = new KeyManager(store, kek, config);
    const first = (await server.currentSigningKey()).kid;
    const lists = store.lists;
    await server.currentSigningKey();
    assert.equal(store.lists, lists, 'no store read while nothing changed');

    await cli.rotate({ now: true, revokeCurrent: true });
    marker.value += 1;
    const signing = await server.currentSigningKey();
    assert.notEqual(signing.kid, first);
    assert.equal(server.source.get(first), undefined, 'the removed key no longer verifies');
    assert.ok(server.source.get(signing.kid));
  });

  it('Postgres (no marker): keys older than the reload interval are re-read before signing; a removed key verifies for the grace, then not', async () => {
    let clock = 1_000_000;
    const store = memoryKeys();
    const server = new KeyManager(store, kek, config, () => clock);
    await server.init();
    const cli = new KeyManager(store, kek, config, () => clock);
    const first = (await server.currentSigningKey()).kid;

    await cli.rotate({ now: true, revokeCurrent: true });
    clock += KEY_RELOAD_INTERVAL_MS - 1;
    assert.equal((await server.currentSigningKey()).kid, first, 'within the interval the held keys sign');
    clock += 1;
    const second = (await server.currentSigningKey()).kid;
    assert.notEqual(second, first, 'past it the keys are re-read first');
    assert.ok(server.source.get(first), 'the removed key still verifies: another instance may still sign with it');
    assert.ok(server.jwks().keys.some((k) => k.kid === first));

    clock = 1_000_000 + REMOVED_KEY_GRACE_MS;
    server.beforeVerify();
    assert.equal(server.source.get(first), undefined, 'refused from removed_at + the grace, without a store read');
    assert.ok(!server.jwks().keys.some((k) => k.kid === first));
  });

  it('an unknown kid re-reads the store, at most once a second', async () => {
    let clock = 1_000_000;
    const store = memoryKeys();
    const a = new KeyManager(store, kek, config, () => clock);
    await a.init();
    const b = new KeyManager(store, kek, config, () => clock);
    await b.rotate({ now: true });
    const kid = b.signingKey().kid;
    assert.equal(a.source.get(kid), undefined);
    assert.equal(await a.source.refreshForUnknownKid(kid), true);
    const lists = store.lists;
    assert.equal(await a.source.refreshForUnknownKid('nope'), false);
    assert.equal(store.lists, lists, 'rate-limited');
    clock += 1_000;
    assert.equal(await a.source.refreshForUnknownKid('nope'), false);
    assert.equal(store.lists, lists + 1);
  });
});
