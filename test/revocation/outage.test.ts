// test-runner: serial (bounds how late an upkeep task may run)
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { databaseReady, registerHealthRoutes, withRedisReadiness } from '../../src/http/health.js';
import { revocationSyncTask } from '../../src/compose/upkeep.js';
import { TcpOutage } from '../helpers/tcp-proxy.js';
import { claimsFor, openInstance, REDIS_URL, SKIP_REDIS, uniqueChannel, until, type Instance } from './helpers.js';

if (SKIP_REDIS !== false) it('revocation feed outages against real Redis', { skip: SKIP_REDIS }, () => undefined);

describe('revocation feed: Redis outage', { skip: SKIP_REDIS }, () => {
  const url = REDIS_URL as string;
  const channel = uniqueChannel();
  let dataDir: string;
  let a: Instance;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-feed-outage-'));
    a = await openInstance(dataDir, url, channel);
    await until(() => a.feed.state() === 'ok', 5_000, 'feed A connected');
  });
  after(async () => {
    await a?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('Redis unreachable: revocations still arrive by the store sync within its interval; /readyz 200 degraded', async () => {
    const b = await openInstance(dataDir, 'redis://:hunter2-secret@127.0.0.1:1', channel);
    const task = revocationSyncTask(b.revocations);
    const timer = setInterval(() => void task.run(), task.everyMs);
    try {
      await until(() => b.logger.lines.some((l) => l.includes('degraded')), 5_000, 'degraded logged');
      assert.equal(b.feed.state(), 'degraded');
      const app = Fastify();
      registerHealthRoutes(app, withRedisReadiness(databaseReady(b.store), b.feed));
      const ready = await app.inject({ url: '/readyz' });
      assert.equal(ready.statusCode, 200);
      assert.deepEqual(ready.json(), { status: 'degraded', database: 'ok', redis: 'degraded' });
      await app.close();

      const jti = randomUUID();
      const started = Date.now();
      await a.revocations.revokeToken(jti, Math.floor(Date.now() / 1000) + 900);
      await until(
        () => b.revocations.set.isRevoked(claimsFor(jti)),
        task.everyMs + 1_000,
        'revocation on B by store sync',
      );
      assert.ok(Date.now() - started <= task.everyMs + 1_000);

      // A revocation made on the degraded instance does not fail (the publish fails fast and is
      // logged) and reaches A through A's store sync.
      const mine = randomUUID();
      await b.revocations.revokeToken(mine, Math.floor(Date.now() / 1000) + 900);
      assert.ok(b.logger.lines.some((l) => l.includes('revocation publish failed')));
      await a.revocations.sync();
      assert.equal(a.revocations.set.isRevoked(claimsFor(mine)), true);
      assert.ok(
        b.logger.lines.every((l) => !l.includes('hunter2')),
        'the Redis password is never logged',
      );
    } finally {
      clearInterval(timer);
      await b.close();
    }
  });

  it('after an outage the subscriber resynchronises from the store: nothing published meanwhile is lost', async () => {
    const target = new URL(url);
    const proxy = new TcpOutage({ host: target.hostname, port: Number(target.port || 6379) });
    await proxy.up();
    const b = await openInstance(dataDir, `redis://127.0.0.1:${proxy.port}`, channel);
    try {
      await until(() => b.feed.state() === 'ok', 5_000, 'feed B connected');
      await proxy.down();
      await until(() => b.feed.state() === 'degraded', 5_000, 'feed B degraded');
      const missed = randomUUID();
      await a.revocations.revokeToken(missed, Math.floor(Date.now() / 1000) + 900);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(b.revocations.set.isRevoked(claimsFor(missed)), false, 'the message was lost with the connection');
      await proxy.up();
      // No periodic sync runs here: only the resync on reconnection can deliver it.
      await until(() => b.revocations.set.isRevoked(claimsFor(missed)), 5_000, 'resync after reconnection');
      await until(() => b.feed.state() === 'ok', 1_000, 'feed B ok again');
      assert.ok(b.logger.lines.some((l) => l.includes('reconnected')));
    } finally {
      await b.close();
      await proxy.down();
    }
  });
});

describe('revocation sync task', () => {
  for (const state of ['none', 'ok', 'degraded'] as const) {
    it(`with the feed ${state}, syncs from the store every 2 s (CLI revocations and cut-off publishers still arrive)`, async () => {
      let syncs = 0;
      const service = { feed: { state: () => state }, sync: async () => void syncs++ };
      const task = revocationSyncTask(service);
      assert.equal(task.everyMs, 2_000);
      for (let i = 0; i < 10; i++) await task.run();
      assert.equal(syncs, 10);
    });
  }
});
