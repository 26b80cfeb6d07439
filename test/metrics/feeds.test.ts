import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Metrics } from '../../src/metrics/index.js';
import { HangableRedis } from '../faults/redis-server.js';
import { bearer, createHarness, type Harness } from '../helpers/harness.js';
import { addReceiver } from '../ssf/helpers.js';
import { parseExposition } from './exposition.js';

const scrape = async (metrics: Metrics) => parseExposition(await metrics.expose());

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('revocation feed lag: SET poll deliveries', () => {
  let h: Harness;
  const metrics = new Metrics();
  before(async () => {
    h = await createHarness({}, { metrics });
  });
  after(() => h.close());

  it("observes each delivered event's age on the test clock (redeliveries too)", async () => {
    const receiver = await addReceiver(h);
    const created = await h.app.inject({
      method: 'POST',
      url: '/ssf/streams',
      headers: bearer(receiver.token),
      payload: { delivery: { method: 'urn:ietf:rfc:8936' } },
    });
    assert.equal(created.statusCode, 201, created.body);
    const pollUrl = new URL(created.json<{ delivery: { endpoint_url: string } }>().delivery.endpoint_url).pathname;
    const user = await h.addUser('lag-user', 'clerk');
    const login = await h.login(user.username, user.password);
    assert.equal(
      (
        await h.app.inject({
          method: 'DELETE',
          url: '/api/users-sessions/current',
          headers: bearer(login.access_token),
        })
      ).statusCode,
      204,
    );
    h.clock.advance(3);
    const poll = await h.app.inject({
      method: 'POST',
      url: pollUrl,
      headers: bearer(receiver.token),
      payload: { returnImmediately: true },
    });
    assert.equal(Object.keys(poll.json<{ sets: object }>().sets).length, 2, 'session-revoked and token-revoked');

    const exposition = await scrape(metrics);
    const feed = { feed: 'set_poll' };
    assert.equal(exposition.value('bulwark_revocation_feed_lag_seconds_count', feed), 2);
    assert.equal(exposition.value('bulwark_revocation_feed_lag_seconds_bucket', { ...feed, le: '2' }), 0);
    assert.equal(exposition.value('bulwark_revocation_feed_lag_seconds_bucket', { ...feed, le: '5' }), 2);
    assert.equal(exposition.value('bulwark_revocation_feed_lag_seconds_sum', feed), 6);
    assert.equal(exposition.value('bulwark_logins_total', { outcome: 'success' }), 1, 'the harness reports logins too');
    // The logout's token; the SSF routes authenticate receivers with a verifier of their own.
    assert.equal(exposition.value('bulwark_token_verifications_total', { outcome: 'ok' }), 1);
  });
});

describe('revocation feed lag and Redis up: a real redis-server', () => {
  let redis: HangableRedis;
  let h: Harness;
  const metrics = new Metrics();
  before(async () => {
    redis = await HangableRedis.start();
    h = await createHarness({ BULWARK_REDIS_URL: redis.url }, { metrics });
  });
  after(async () => {
    await h?.close();
    await redis?.stop();
  });

  it("reports Redis up while the feed is subscribed, each pub/sub arrival's age, and Redis down once it stops answering", async () => {
    await until(async () => (await scrape(metrics)).value('bulwark_redis_up') === 1, 5_000, 'feed subscribed');
    await h.services.revocations.revokeToken('metrics-jti', Math.floor(h.clock.now() / 1000) + 60);
    // This instance hears its own publish back over the channel, as every other instance does.
    await until(
      async () =>
        (await scrape(metrics)).value('bulwark_revocation_feed_lag_seconds_count', { feed: 'redis_pubsub' }) === 1,
      2_000,
      'arrival observed',
    );
    await redis.stop();
    await until(async () => (await scrape(metrics)).value('bulwark_redis_up') === 0, 8_000, 'Redis reported down');
    assert.equal((await scrape(metrics)).value('bulwark_database_up'), 1);
  });
});
