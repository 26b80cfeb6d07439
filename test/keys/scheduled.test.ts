import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { KeyManager } from '../../src/auth/keys/key-manager.js';
import { KEY_RELOAD_INTERVAL_MS } from '../../src/auth/keys/key-timing.js';
import { resolveMasterKey } from '../../src/auth/keys/master-key.js';
import { loadConfig } from '../../src/config/index.js';
import { payrollMigrations } from '../../src/payroll/index.js';
import { keyLifecycleTask } from '../../src/compose/upkeep.js';
import { openStore, type SqlStore } from '../../src/store/index.js';
import { createHarness, type Harness } from '../helpers/harness.js';

const DAY = 86_400;

describe('scheduled key rotation (BULWARK_KEY_ROTATION_INTERVAL)', () => {
  let h: Harness;
  let otherStore: SqlStore;
  before(async () => {
    h = await createHarness();
    // A second connection to the same database: another process of the cluster.
    otherStore = await openStore({
      databaseUrl: h.config.databaseUrl,
      dataDir: h.dataDir,
      migrations: payrollMigrations,
    });
  });
  after(async () => {
    await otherStore.close();
    await h.close();
  });

  const nextKeys = async () => (await h.services.store.keys.list()).filter((k) => k.state === 'next');

  it('creates exactly one next key when instances check at the same moment', async () => {
    const kek = resolveMasterKey(h.config);
    const a = new KeyManager(h.services.store.keys, () => kek, h.config, h.clock.now);
    const b = new KeyManager(h.services.store.keys, () => kek, h.config, h.clock.now);
    const c = new KeyManager(otherStore.keys, () => kek, h.config, h.clock.now);
    for (const m of [a, b, c]) await m.init();
    assert.equal(h.config.keyRotationIntervalSeconds, 30 * DAY);

    h.clock.advance(30 * DAY - 1);
    assert.deepEqual(
      (await Promise.all([a, b].map((m) => m.upkeep()))).map((r) => r.created),
      [undefined, undefined],
    );
    assert.equal((await c.upkeep()).created, undefined);
    assert.equal((await nextKeys()).length, 0, 'not before the interval');

    h.clock.advance(1);
    const results = await Promise.all([a, b, h.services.keys].map((m) => m.upkeep()));
    // The other connection runs after: the SQLite driver is synchronous, so two connections in one
    // process cannot wait on each other's write lock (separate processes do, via busy_timeout).
    results.push(await c.upkeep());
    const created = results.flatMap((r) => (r.created === undefined ? [] : [r.created]));
    assert.equal(created.length, 1, 'one instance created it');
    assert.deepEqual(
      (await nextKeys()).map((k) => k.kid),
      [created[0]?.kid],
    );
    await h.services.keys.upkeep();
    assert.ok(
      h.services.keys.jwks().keys.some((k) => k.kid === created[0]?.kid),
      'published',
    );

    h.clock.advance(h.config.jwksMaxAgeSeconds + KEY_RELOAD_INTERVAL_MS / 1000);
    await Promise.all([a, b].map((m) => m.upkeep()));
    await c.upkeep();
    await h.services.keys.upkeep();
    assert.equal(c.signingKey().kid, created[0]?.kid);
    assert.equal(h.services.keys.signingKey().kid, created[0]?.kid, 'promoted after the JWKS max-age');
    assert.equal((await h.services.store.keys.list()).filter((k) => k.state === 'active').length, 1);
    assert.equal(
      (await Promise.all([a, b].map((m) => m.upkeep()))).filter((r) => r.created).length,
      0,
      'the new key starts a new interval',
    );
  });

  it('never rotates an HS256 secret from configuration, and says why once', async () => {
    const secret = randomBytes(32).toString('base64url');
    const hs = await createHarness({ BULWARK_SIGNING_ALG: 'HS256', BULWARK_HS256_SECRET: secret });
    try {
      const lines: string[] = [];
      const logger = {
        info: (_o: unknown, message: string, ...args: unknown[]) => lines.push([message, ...args].join(' ')),
      };
      const task = keyLifecycleTask(hs.services.keys, hs.config.keyRotationIntervalSeconds, logger as never);
      assert.equal(lines.length, 1);
      assert.match(lines[0] ?? '', /scheduled key rotation is off.*HS256/);
      hs.clock.advance(365 * DAY);
      await task.run();
      await task.run();
      assert.equal(lines.length, 1);
      assert.equal((await hs.services.store.keys.list()).length, 1);
    } finally {
      await hs.close();
    }
  });
});

describe('BULWARK_KEY_ROTATION_INTERVAL configuration', () => {
  const load = (value?: string) => loadConfig(value === undefined ? {} : { BULWARK_KEY_ROTATION_INTERVAL: value });
  it('defaults to 30 days; 0 turns it off; other values are seconds', () => {
    assert.equal(load().keyRotationIntervalSeconds, 2_592_000);
    assert.equal(load('0').keyRotationIntervalSeconds, 0);
    assert.equal(load('86400').keyRotationIntervalSeconds, 86_400);
  });
  it('refuses nonsense with one line naming the variable', () => {
    for (const bad of ['abc', '-1', '1.5', '59', '3599', String(10 * 365 * DAY)]) {
      assert.throws(
        () => load(bad),
        (error: Error) => /^BULWARK_KEY_ROTATION_INTERVAL: /.test(error.message) && !error.message.includes('\n'),
        bad,
      );
    }
  });
});
