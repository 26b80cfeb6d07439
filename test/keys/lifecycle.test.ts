import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KeyManager } from '../../src/auth/keys/key-manager.js';
import { KEY_RELOAD_INTERVAL_MS, retiredKeyGraceMs } from '../../src/auth/keys/key-timing.js';
import { resolveMasterKey } from '../../src/auth/keys/master-key.js';
import { bearer, createHarness, decodeJwt, problemOf, type Harness } from '../helpers/harness.js';

const kidOf = (token: string) => String(decodeJwt(token).header.kid);
const jwksKids = async (h: Harness) =>
  (await h.app.inject({ url: '/.well-known/jwks.json' }))
    .json<{ keys: Array<{ kid: string }> }>()
    .keys.map((k) => k.kid);
const me = async (h: Harness, token: string) =>
  (await h.app.inject({ url: '/api/users/me', headers: bearer(token) })).statusCode;
interface KeyView {
  kid: string;
  state: string;
  created_at: string;
  activated_at: string | null;
  retired_at: string | null;
  removed_at: string | null;
  signs_from: string | null;
}
const keysOf = async (h: Harness, token: string) =>
  (await h.app.inject({ url: '/api/keys', headers: bearer(token) })).json<{ items: KeyView[] }>().items;
const stateOf = async (h: Harness, token: string, kid: string) =>
  (await keysOf(h, token)).find((k) => k.kid === kid)?.state;

describe('key lifecycle: next → active → retired → removed', () => {
  let h: Harness;
  let admin: { id: string; username: string; password: string };
  before(async () => {
    h = await createHarness();
    admin = await h.addUser('alice', 'admin');
  });
  after(() => h.close());

  it('rotate publishes a next key that does not sign; promotion after the JWKS max-age; removal after TTL + three skews + a reload interval', async () => {
    const first = await h.login(admin.username, admin.password);
    const oldKid = kidOf(first.access_token);
    const rotated = await h.app.inject({
      method: 'POST',
      url: '/api/keys/rotate',
      headers: bearer(first.access_token),
    });
    assert.equal(rotated.statusCode, 201, rotated.body);
    const next = rotated.json<KeyView>();
    assert.equal(next.state, 'next');
    assert.equal(next.activated_at, null);
    // Pre-publication: the JWKS max-age, plus one key-reload interval for the other instances to publish it.
    assert.equal(
      Date.parse(next.signs_from ?? ''),
      h.clock.ms + h.config.jwksMaxAgeSeconds * 1000 + KEY_RELOAD_INTERVAL_MS,
    );
    assert.deepEqual((await jwksKids(h)).sort(), [oldKid, next.kid].sort(), 'the next key is published at once');
    assert.ok(h.services.keys.source.get(next.kid), 'and verifies');
    assert.equal(kidOf((await h.login(admin.username, admin.password)).access_token), oldKid, 'but does not sign');

    const again = await h.app.inject({ method: 'POST', url: '/api/keys/rotate', headers: bearer(first.access_token) });
    assert.equal(again.statusCode, 409);
    assert.equal(problemOf(again).code, 'conflict');

    h.clock.advance(h.config.jwksMaxAgeSeconds + KEY_RELOAD_INTERVAL_MS / 1000 - 1);
    assert.equal(
      (await h.services.keys.upkeep()).promoted,
      undefined,
      'not before the JWKS max-age and a reload interval',
    );
    h.clock.advance(1);
    assert.equal((await h.services.keys.upkeep()).promoted?.kid, next.kid);
    const second = await h.login(admin.username, admin.password);
    assert.equal(kidOf(second.access_token), next.kid, 'new tokens carry the new kid');
    assert.equal(await me(h, first.access_token), 200, 'tokens of the retired key still verify');
    const keys = await keysOf(h, second.access_token);
    assert.equal(keys.find((k) => k.kid === oldKid)?.state, 'retired');
    assert.equal(keys.find((k) => k.kid === next.kid)?.state, 'active');
    assert.equal(keys.find((k) => k.kid === next.kid)?.signs_from, null);
    assert.ok(keys.find((k) => k.kid === oldKid)?.retired_at);

    // Lifetime + three skews + a reload interval: every instance and verifier may be up to the skew apart.
    h.clock.advance(retiredKeyGraceMs(h.config) / 1000 - 1);
    await h.services.keys.upkeep();
    assert.ok((await jwksKids(h)).includes(oldKid), 'kept until the last token it signed has expired');
    h.clock.advance(1);
    await h.services.keys.upkeep();
    assert.deepEqual(await jwksKids(h), [next.kid]);
    assert.equal(h.services.keys.source.get(oldKid), undefined);
    assert.equal(await me(h, first.access_token), 401);
    const third = await h.login(admin.username, admin.password);
    const removed = (await keysOf(h, third.access_token)).find((k) => k.kid === oldKid);
    assert.equal(removed?.state, 'removed');
    assert.ok(removed?.removed_at);
  });

  it('now: the new key signs at once, the previous one retires and keeps verifying; revoke_current needs now', async () => {
    const before = await h.login(admin.username, admin.password);
    const bad = await h.app.inject({
      method: 'POST',
      url: '/api/keys/rotate',
      headers: bearer(before.access_token),
      payload: { revoke_current: true },
    });
    assert.equal(bad.statusCode, 400);
    const unknown = await h.app.inject({
      method: 'POST',
      url: '/api/keys/rotate',
      headers: bearer(before.access_token),
      payload: { later: true },
    });
    assert.equal(unknown.statusCode, 400);
    const rotated = await h.app.inject({
      method: 'POST',
      url: '/api/keys/rotate',
      headers: bearer(before.access_token),
      payload: { now: true },
    });
    assert.equal(rotated.statusCode, 201, rotated.body);
    assert.equal(rotated.json<KeyView>().state, 'active');
    const after = await h.login(admin.username, admin.password);
    assert.equal(kidOf(after.access_token), rotated.json<KeyView>().kid);
    assert.equal(await me(h, before.access_token), 200);
    assert.equal(await stateOf(h, after.access_token, kidOf(before.access_token)), 'retired');
  });
});

describe('emergency rotation: now + revoke_current', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  it('removes the current key at once: its tokens fail even from the verified-token cache, here and on other instances', async () => {
    const admin = await h.addUser('alice', 'admin');
    const victim = await h.login(admin.username, admin.password);
    const oldKid = kidOf(victim.access_token);
    assert.equal(await me(h, victim.access_token), 200);
    assert.equal(await me(h, victim.access_token), 200, 'now in the verified-token cache');

    const other = new KeyManager(h.services.store.keys, () => resolveMasterKey(h.config), h.config, h.clock.now);
    await other.init();
    const flushed: string[] = [];
    other.source.onRemove((kid) => flushed.push(kid));

    const rotated = await h.app.inject({
      method: 'POST',
      url: '/api/keys/rotate',
      headers: bearer(victim.access_token),
      payload: { now: true, revoke_current: true },
    });
    assert.equal(rotated.statusCode, 201, rotated.body);
    assert.equal(rotated.json<KeyView>().state, 'active');
    assert.equal(await me(h, victim.access_token), 401, 'rejected at once');
    assert.ok(!(await jwksKids(h)).includes(oldKid));
    const fresh = await h.login(admin.username, admin.password);
    assert.equal(kidOf(fresh.access_token), rotated.json<KeyView>().kid);
    assert.equal(await stateOf(h, fresh.access_token, oldKid), 'removed');

    assert.ok(other.source.get(oldKid), 'another instance still has it until its key upkeep');
    await other.upkeep();
    assert.equal(other.source.get(oldKid), undefined);
    assert.deepEqual(flushed, [oldKid], 'its cache flush listener heard of the removal');
    assert.equal(other.signingKey().kid, rotated.json<KeyView>().kid);
  });
});
