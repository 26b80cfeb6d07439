// test-runner: serial (bounds the revocation feed latency)
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import {
  claimsFor,
  SKEW_MS,
  openInstance,
  percentile,
  REDIS_URL,
  SKIP_REDIS,
  uniqueChannel,
  until,
  type Instance,
} from './helpers.js';

if (SKIP_REDIS !== false) it('revocation feed over real Redis', { skip: SKIP_REDIS }, () => undefined);

/** Two instances sharing one SQLite file, each with its own Redis connections. */
describe('revocation feed over Redis: two instances', { skip: SKIP_REDIS }, () => {
  const url = REDIS_URL as string;
  const channel = uniqueChannel();
  let dataDir: string;
  let a: Instance;
  let b: Instance;
  let raw: Redis;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-feed-'));
    a = await openInstance(dataDir, url, channel);
    b = await openInstance(dataDir, url, channel);
    raw = new Redis(url, { maxRetriesPerRequest: 1 });
    await until(() => a.feed.state() === 'ok' && b.feed.state() === 'ok', 5_000, 'both feeds connected');
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await raw?.quit();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a token revoked on A is revoked on B within 100 ms, through pub/sub (no store sync runs)', async () => {
    const jti = randomUUID();
    assert.equal(b.revocations.set.isRevoked(claimsFor(jti)), false);
    const started = performance.now();
    await a.revocations.revokeToken(jti, Math.floor(Date.now() / 1000) + 900);
    await until(() => b.revocations.set.isRevoked(claimsFor(jti)), 100, 'revocation on B');
    assert.ok(performance.now() - started < 100);
  });

  it('session and user revocations propagate too', async () => {
    const sid = randomUUID();
    const sub = randomUUID();
    await a.revocations.revokeSession(sid);
    await until(() => b.revocations.set.isRevoked(claimsFor(randomUUID(), sid)), 1_000, 'session revocation on B');
    // The user cut-off runs the skew behind now (the sessions' sids cover the tokens since).
    const before = { ...claimsFor(randomUUID(), 'other', sub), iat: Math.floor((Date.now() - SKEW_MS) / 1000) - 5 };
    const since = { ...claimsFor(randomUUID(), 'other', sub), iat: Math.floor((Date.now() - SKEW_MS) / 1000) + 2 };
    await a.revocations.revokeUser(sub);
    await until(() => b.revocations.set.isRevoked(before), 1_000, 'user revocation on B');
    assert.equal(b.revocations.set.isRevoked(since), false, 'a token of the last skew is left to its sid');
  });

  it('measures propagation over 200 revocations (reported; only a sanity bound asserted)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const jti = randomUUID();
      const started = performance.now();
      await a.revocations.revokeToken(jti, Math.floor(Date.now() / 1000) + 900);
      await until(() => b.revocations.set.isRevoked(claimsFor(jti)), 2_000, `revocation ${i} on B`);
      times.push(performance.now() - started);
    }
    times.sort((x, y) => x - y);
    const p50 = percentile(times, 50);
    const p99 = percentile(times, 99);
    // eslint-disable-next-line no-console
    console.log(
      `revocation propagation over Redis: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (200 revocations; store write + publish + delivery)`,
    );
    assert.ok(p99 < 1_000, `p99 ${p99} ms`);
  });

  it('malformed messages on the channel are ignored, never crash, and the feed keeps working', async () => {
    const size = b.revocations.set.size;
    const now = Date.now();
    const bad = [
      'not json',
      '',
      '[]',
      'null',
      '42',
      '{"kind":"jti"}',
      JSON.stringify({ kind: 'everything', value: 'x', createdAt: now, expiresAt: now + 1_000 }),
      JSON.stringify({ kind: 'jti', value: '', createdAt: now, expiresAt: now + 1_000 }),
      JSON.stringify({ kind: 'jti', value: 7, createdAt: now, expiresAt: now + 1_000 }),
      JSON.stringify({ kind: 'jti', value: 'x', createdAt: 'now', expiresAt: now + 1_000 }),
      JSON.stringify({ kind: 'jti', value: 'x', createdAt: now, expiresAt: 1e300 }),
      JSON.stringify({ kind: 'jti', value: 'x'.repeat(5_000), createdAt: now, expiresAt: now + 1_000 }),
      '{"__proto__":{"kind":"jti"},"value":"x","createdAt":1,"expiresAt":2}',
    ];
    for (const message of bad) await raw.publish(channel, message);
    // A valid message sent after them arrives, so the bad ones were processed (and dropped).
    const jti = randomUUID();
    await raw.publish(channel, JSON.stringify({ kind: 'jti', value: jti, createdAt: now, expiresAt: now + 60_000 }));
    await until(() => b.revocations.set.isRevoked(claimsFor(jti)), 1_000, 'valid message after malformed ones');
    assert.equal(b.revocations.set.size, size + 1);
    assert.equal(b.feed.state(), 'ok');
    assert.ok(b.logger.lines.filter((line) => line.includes('malformed revocation message')).length >= bad.length);
  });

  it('an entry claiming to outlive every token is kept no longer than a token issued now could live', async () => {
    const jti = randomUUID();
    const now = Date.now();
    await raw.publish(
      channel,
      JSON.stringify({ kind: 'jti', value: jti, createdAt: now, expiresAt: now + 365 * 86_400_000 }),
    );
    await until(() => b.revocations.set.isRevoked(claimsFor(jti)), 1_000, 'forged long entry');
    b.revocations.set.prune(now + 86_400_000);
    assert.equal(b.revocations.set.isRevoked(claimsFor(jti)), false);
  });
});
