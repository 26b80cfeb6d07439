// test-runner: serial (bounds how long a hung database holds a scrape)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createVerifier, InvalidTokenError, LocalKeySource, type Verifier } from '@bulwark/guard';
import { loadConfig } from '../../src/config/index.js';
import {
  DATABASE_PROBE_TIMEOUT_MS,
  Metrics,
  startMetricsListener,
  VERIFICATION_OUTCOMES,
} from '../../src/metrics/index.js';
import { parseExposition } from './exposition.js';

const scrape = async (metrics: Metrics) => parseExposition(await metrics.expose());

describe('metrics registry', () => {
  it('starts every outcome series at 0, on a registry of its own per instance', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.login('success');
    const [ea, eb] = [await scrape(a), await scrape(b)];
    assert.equal(ea.value('bulwark_logins_total', { outcome: 'success' }), 1);
    assert.equal(eb.value('bulwark_logins_total', { outcome: 'success' }), 0);
    for (const outcome of VERIFICATION_OUTCOMES)
      assert.equal(eb.value('bulwark_token_verifications_total', { outcome }), 0, outcome);
    assert.equal(
      eb.value('bulwark_token_verifications_total', { outcome: 'missing' }),
      undefined,
      'a request without a token never reaches the verifier',
    );
    assert.equal(eb.value('bulwark_revocation_feed_lag_seconds_count', { feed: 'set_poll' }), 0);
    assert.equal(eb.types.has('process_cpu_seconds_total'), false, 'process metrics only when asked for');
  });

  it("counts what a wrapped verifier accepts and refuses, by the guard's reason; other throws are not outcomes", async () => {
    const metrics = new Metrics();
    const inner: Verifier = {
      verify: (token) => {
        if (token === 'good') return { sub: 'u' } as never;
        if (token === 'bug') throw new TypeError('not a token problem');
        throw new InvalidTokenError(token === 'kid' ? 'unknown_kid' : 'revoked');
      },
      verifyAsync: async (token) => inner.verify(token),
    };
    const counted = metrics.countVerifications(inner);
    counted.verify('good');
    counted.verify('good');
    assert.throws(() => counted.verify('kid'), InvalidTokenError);
    assert.throws(() => counted.verify('revoked'), InvalidTokenError);
    assert.throws(() => counted.verify('bug'), TypeError);
    await counted.verifyAsync('good');
    await assert.rejects(counted.verifyAsync('kid'), InvalidTokenError);
    const first = await scrape(metrics);
    assert.equal(first.value('bulwark_token_verifications_total', { outcome: 'ok' }), 3);
    assert.equal(first.value('bulwark_token_verifications_total', { outcome: 'unknown_kid' }), 2);
    assert.equal(first.value('bulwark_token_verifications_total', { outcome: 'revoked' }), 1);
    counted.verify('good');
    const second = await scrape(metrics);
    assert.equal(
      second.value('bulwark_token_verifications_total', { outcome: 'ok' }),
      4,
      'a scrape hands the tally over once',
    );
  });

  it('reports the database down when its ping fails or hangs past the probe timeout', async () => {
    const metrics = new Metrics();
    let ping: () => Promise<unknown> = () => Promise.resolve();
    metrics.watch({
      database: () => ping(),
      redis: () => 'degraded',
      passwordWork: () => ({ active: 2, waiting: 5 }),
      revocationSyncAgeMs: () => 1_500,
    });
    const up = await scrape(metrics);
    assert.equal(up.value('bulwark_database_up'), 1);
    assert.equal(up.value('bulwark_redis_up'), 0);
    assert.equal(up.value('bulwark_argon2_queue_depth'), 5);
    assert.equal(up.value('bulwark_argon2_in_flight'), 2);
    assert.equal(up.value('bulwark_revocation_sync_age_seconds'), 1.5);
    ping = () => Promise.reject(new Error('connection refused'));
    assert.equal((await scrape(metrics)).value('bulwark_database_up'), 0);
    ping = () => new Promise(() => {});
    const started = performance.now();
    assert.equal((await scrape(metrics)).value('bulwark_database_up'), 0);
    const waited = performance.now() - started;
    assert.ok(
      waited >= DATABASE_PROBE_TIMEOUT_MS - 50 && waited < DATABASE_PROBE_TIMEOUT_MS + 1_000,
      `a hung database holds a scrape ~${DATABASE_PROBE_TIMEOUT_MS} ms (took ${Math.round(waited)})`,
    );
  });

  it("counts a real verifier's refusals through the same wrapper", async () => {
    const metrics = new Metrics();
    const verifier = metrics.countVerifications(
      createVerifier({ issuer: 'https://i', audience: 'a', algorithms: ['ES256'], keys: new LocalKeySource([]) }),
    );
    assert.throws(() => verifier.verify('a.b'));
    assert.throws(() => verifier.verify('x'.repeat(9_000)));
    const exposition = await scrape(metrics);
    assert.equal(exposition.value('bulwark_token_verifications_total', { outcome: 'malformed' }), 1);
    assert.equal(exposition.value('bulwark_token_verifications_total', { outcome: 'too_long' }), 1);
  });

  it('the listener answers on an ephemeral loopback port and closes', async () => {
    const listener = await startMetricsListener(new Metrics(), { port: 0, host: '127.0.0.1' });
    assert.match(listener.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    assert.equal((await fetch(listener.url)).status, 200);
    assert.equal((await fetch(`${listener.url}?x=1`)).status, 200);
    await listener.close();
    await assert.rejects(fetch(listener.url));
  });
});

describe('BULWARK_METRICS_PORT / BULWARK_METRICS_HOST', () => {
  it('unset: no listener; set: its port, on loopback unless a host is given', () => {
    assert.equal(loadConfig({}).metrics, undefined);
    assert.deepEqual(loadConfig({ BULWARK_METRICS_PORT: '9464' }).metrics, { port: 9464, host: '127.0.0.1' });
    assert.deepEqual(loadConfig({ BULWARK_METRICS_PORT: '0', BULWARK_METRICS_HOST: '10.0.0.5' }).metrics, {
      port: 0,
      host: '10.0.0.5',
    });
  });

  it("refuses a host without a port, the API's own port, and a port out of range, naming the variable", () => {
    assert.throws(
      () => loadConfig({ BULWARK_METRICS_HOST: '0.0.0.0' }),
      /^ConfigError: BULWARK_METRICS_HOST: is set but BULWARK_METRICS_PORT is not/,
    );
    assert.throws(
      () => loadConfig({ PORT: '3000', BULWARK_METRICS_PORT: '3000' }),
      /BULWARK_METRICS_PORT: must differ from PORT/,
    );
    assert.throws(() => loadConfig({ BULWARK_METRICS_PORT: '70000' }), /BULWARK_METRICS_PORT/);
    assert.throws(() => loadConfig({ BULWARK_METRICS_PORT: 'nine' }), /BULWARK_METRICS_PORT/);
  });
});

describe('the exposition reader used by these tests is strict', () => {
  it('rejects malformed text', () => {
    const ok = '# HELP a_total A.\n# TYPE a_total counter\na_total{outcome="x"} 1\n';
    assert.equal(parseExposition(ok).value('a_total', { outcome: 'x' }), 1);
    for (const bad of [
      'a_total 1\n', // no TYPE
      '# TYPE a_total counter\na_total{outcome=x} 1\n', // unquoted label value
      '# TYPE a_total counter\na_total{outcome="x"} one\n', // not a number
      '# TYPE a_total counter\na_total 1\na_total 2\n', // duplicate series
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n', // not cumulative
      '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 2\n', // count disagrees
      '# TYPE a_total countr\n', // unknown type
    ])
      assert.throws(() => parseExposition(bad), Error, bad);
  });
});
