import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createHarness, problemOf, type Harness } from '../helpers/harness.js';

const POLICY = {
  failuresPerUserIp: 5,
  firstBlockSeconds: 30,
  maxBlockSeconds: 900,
  failuresPerIpPerDay: 1_000,
  attemptsPerIpPerSecond: 1_000,
};

function login(h: Harness, username: string, password: string, ip: string): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method: 'POST',
    url: '/api/users-sessions',
    payload: { username, password },
    remoteAddress: ip,
  });
}

async function failTimes(h: Harness, username: string, ip: string, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1)
    assert.equal((await login(h, username, 'wrong-password-x', ip)).statusCode, 401, `failure ${i + 1}`);
}

/** The header names of an answer, minus those that differ per request anyway. */
function headerShape(response: LightMyRequestResponse): string[] {
  return Object.keys(response.headers)
    .filter((name) => !['date', 'content-length'].includes(name))
    .sort();
}

describe('login throttling (per username + IP, per IP)', () => {
  let h: Harness;
  let alice: { id: string; password: string };
  before(async () => {
    h = await createHarness({}, { throttle: { policy: POLICY } });
    alice = await h.addUser('alice', 'admin');
    await h.addUser('erin', 'clerk');
  });
  after(() => h.close());

  it('answers the 6th failed login of a username from one IP with 429, Retry-After and too_many_requests', async () => {
    await failTimes(h, 'alice', '10.0.0.1', 5);
    const sixth = await login(h, 'alice', 'wrong-password-x', '10.0.0.1');
    assert.equal(sixth.statusCode, 429);
    assert.equal(problemOf(sixth).code, 'too_many_requests');
    const retryAfter = Number(sixth.headers['retry-after']);
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 30,
      `Retry-After ${String(sixth.headers['retry-after'])}`,
    );
  });

  it('still answers 429 to the right password while blocked (no oracle)', async () => {
    const right = await login(h, 'alice', alice.password, '10.0.0.1');
    assert.equal(right.statusCode, 429);
    assert.equal(problemOf(right).code, 'too_many_requests');
  });

  it('does not block the same username from another IP', async () => {
    assert.equal((await login(h, 'ALICE ', 'wrong-password-x', '10.0.0.2')).statusCode, 401);
    assert.equal((await login(h, 'alice', alice.password, '10.0.0.2')).statusCode, 201);
  });

  it('throttles an unknown username after the same attempts with the same answer', async () => {
    await failTimes(h, 'mallory', '10.0.0.3', 5);
    const unknown = await login(h, 'mallory', 'wrong-password-x', '10.0.0.3');
    await failTimes(h, 'erin', '10.0.0.4', 5);
    const known = await login(h, 'erin', 'wrong-password-x', '10.0.0.4');
    assert.equal(unknown.statusCode, 429);
    assert.equal(known.statusCode, 429);
    assert.deepEqual(problemOf(unknown), problemOf(known));
    assert.deepEqual(headerShape(unknown), headerShape(known));
    assert.equal(unknown.headers['content-type'], known.headers['content-type']);
    assert.equal(unknown.headers['retry-after'], known.headers['retry-after']);
  });

  it('audits login.throttled without the password or an unknown username', async () => {
    const page = await h.store.audit.list({ type: 'login.throttled' }, { limit: 100 });
    assert.ok(page.items.length >= 3);
    const text = JSON.stringify(page.items);
    assert.ok(!text.includes('mallory') && !text.includes('wrong-password-x') && !text.includes(alice.password));
    assert.ok(page.items.some((event) => event.targetId === alice.id && event.details.scope === 'username_ip'));
    assert.ok(page.items.some((event) => event.targetId === null && event.ip === '10.0.0.3'));
  });

  it('forgets the failures of a username + IP after a successful login', async () => {
    await failTimes(h, 'erin', '10.0.0.5', 4);
    assert.equal((await login(h, 'erin', 'erin-Correct-Horse-42', '10.0.0.5')).statusCode, 201);
    await failTimes(h, 'erin', '10.0.0.5', 4);
    assert.equal((await login(h, 'erin', 'erin-Correct-Horse-42', '10.0.0.5')).statusCode, 201);
  });

  it('limits failures per IP across usernames', async () => {
    const strict = await createHarness({}, { throttle: { policy: { ...POLICY, failuresPerIpPerDay: 3 } } });
    try {
      for (const name of ['u1', 'u2', 'u3'])
        assert.equal((await login(strict, name, 'wrong-password-x', '10.0.1.1')).statusCode, 401);
      const next = await login(strict, 'u4', 'wrong-password-x', '10.0.1.1');
      assert.equal(next.statusCode, 429);
      assert.ok(Number(next.headers['retry-after']) >= 1);
      assert.equal((await login(strict, 'u4', 'wrong-password-x', '10.0.1.2')).statusCode, 401);
    } finally {
      await strict.close();
    }
  });
});

describe('login throttling back-off', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness(
      {},
      { throttle: { policy: { ...POLICY, failuresPerUserIp: 2, firstBlockSeconds: 1, maxBlockSeconds: 4 } } },
    );
  });
  after(() => h.close());

  it('makes each further block of the same username + IP longer', async () => {
    const seen: number[] = [];
    for (let round = 0; round < 2; round += 1) {
      await failTimes(h, 'zed', '10.0.2.1', 2);
      const blocked = await login(h, 'zed', 'wrong-password-x', '10.0.2.1');
      assert.equal(blocked.statusCode, 429);
      seen.push(Number(blocked.headers['retry-after']));
      // The only real wait in the suite: rate-limiter-flexible keeps its own (wall) clock.
      await sleep(seen[round]! * 1000 + 100);
    }
    assert.deepEqual(seen, [1, 2]);
  });
});
