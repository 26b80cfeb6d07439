import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { redisBackend } from '../../src/http/rate-limit.js';
import { createHarness, problemOf, type Harness } from '../helpers/harness.js';

const url = process.env.BULWARK_TEST_REDIS_URL;
const skip = url === undefined ? 'BULWARK_TEST_REDIS_URL is not set' : false;

describe('login throttling on Redis', { skip }, () => {
  let h: Harness;
  before(async () => {
    // A unique prefix per run; app.close() quits the client (the onClose hook).
    const backend = redisBackend(url ?? '', `bulwark-test:${randomUUID()}`);
    await backend.connect();
    h = await createHarness(
      {},
      {
        throttle: {
          backend,
          policy: { failuresPerUserIp: 5, failuresPerIpPerDay: 1_000, attemptsPerIpPerSecond: 1_000 },
        },
      },
    );
    await h.addUser('alice', 'admin');
  });
  after(() => h.close());

  it('answers the 6th failed login with 429 and Retry-After', async () => {
    const attempt = () =>
      h.app.inject({
        method: 'POST',
        url: '/api/users-sessions',
        payload: { username: 'alice', password: 'wrong-password-x' },
        remoteAddress: '10.2.0.1',
      });
    for (let i = 0; i < 5; i += 1) assert.equal((await attempt()).statusCode, 401);
    const sixth = await attempt();
    assert.equal(sixth.statusCode, 429);
    assert.equal(problemOf(sixth).code, 'too_many_requests');
    assert.ok(Number(sixth.headers['retry-after']) >= 1);
  });
});

describe('login throttling while Redis is unreachable', () => {
  it('still throttles, per instance, through the in-memory insurance limiter', async () => {
    // Nothing listens on port 1: every Redis command fails at once (no offline queue).
    const h = await createHarness(
      {},
      {
        throttle: {
          backend: redisBackend('redis://127.0.0.1:1', `bulwark-test:${randomUUID()}`),
          policy: { failuresPerUserIp: 2, attemptsPerIpPerSecond: 1_000 },
        },
      },
    );
    try {
      const user = await h.addUser('alice', 'admin');
      const attempt = (password: string) =>
        h.app.inject({
          method: 'POST',
          url: '/api/users-sessions',
          payload: { username: 'alice', password },
          remoteAddress: '10.2.0.2',
        });
      assert.equal((await attempt(user.password)).statusCode, 201);
      for (let i = 0; i < 2; i += 1) assert.equal((await attempt('wrong-password-x')).statusCode, 401);
      assert.equal((await attempt(user.password)).statusCode, 429);
    } finally {
      await h.close();
    }
  });
});
