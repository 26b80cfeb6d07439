// test-runner: serial (compares the timing of known and unknown users)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { send, startTarget, type Answer, type Target } from './harness.js';

/**
 * Login abuse against real `bulwark serve` processes (CONTRACT §4: "wrong user or password: 401
 * invalid_credentials, same body and timing for unknown users; throttled: 429 + Retry-After").
 * The target runs with the DEFAULT limits (5 failures per username + IP, then a 30 s block; 100
 * failures per IP a day; 20 attempts per IP a second). Each case comes from its own loopback
 * source address (127.0.x.y), and the timing case from a new address per attempt, so one case's
 * counters never decide another's and the enumeration checks measure answers, not the throttle
 * (the same effect as raising the limits, without a second server).
 */

let strict: Target;
before(async () => {
  strict = await startTarget();
});
after(() => strict.stop());

const login = (target: Target, username: string, password: string, from?: string): Promise<Answer> =>
  send(target, 'POST', '/api/users-sessions', { body: { username, password }, from });

async function failTimes(target: Target, username: string, from: string, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) {
    const answer = await login(target, username, `wrong password ${i}`, from);
    assert.equal(answer.status, 401, `failure ${i + 1} of ${username}: ${answer.text}`);
    assert.equal(answer.code, 'invalid_credentials');
  }
}

function assertThrottled(answer: Answer, label: string): number {
  assert.equal(answer.status, 429, `${label}: ${answer.text}`);
  assert.equal(answer.code, 'too_many_requests', label);
  const retryAfter = Number(answer.headers['retry-after']);
  assert.ok(
    Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 30,
    `${label}: Retry-After ${String(answer.headers['retry-after'])}`,
  );
  return retryAfter;
}

/**
 * Every header but Date, X-Request-Id (each request's own id, random when the client sends none)
 * and Retry-After (compared separately: it counts down in whole seconds).
 */
function comparableHeaders(answer: Answer): Record<string, unknown> {
  const varying = new Set(['date', 'retry-after', 'x-request-id']);
  return Object.fromEntries(
    Object.entries(answer.headers)
      .filter(([name]) => !varying.has(name))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

describe('adversarial: brute-force lockout with the default limits', () => {
  it('5 failures, then 429 too_many_requests with Retry-After; the right password is 429 too', async () => {
    const from = '127.0.10.1';
    await failTimes(strict, 'alice', from, 5);
    assertThrottled(await login(strict, 'alice', 'wrong password 6', from), '6th attempt');
    const right = await login(strict, 'alice', strict.password('alice'), from);
    assertThrottled(right, 'the right password while blocked');
    assert.ok(!right.text.includes('access_token'), 'no token while blocked');
  });

  it('the block is per username + IP: alice from another address still logs in', async () => {
    assert.equal((await login(strict, 'alice', strict.password('alice'), '127.0.10.2')).status, 201);
  });

  it('a throttled unknown user gets exactly the answer of a throttled known user', async () => {
    await failTimes(strict, 'no-such-user', '127.0.10.3', 5);
    await failTimes(strict, 'bob', '127.0.10.4', 5);
    const unknown = await login(strict, 'no-such-user', 'wrong password x', '127.0.10.3');
    const known = await login(strict, 'bob', 'wrong password x', '127.0.10.4');
    const unknownWait = assertThrottled(unknown, 'unknown user');
    const knownWait = assertThrottled(known, 'known user');
    assert.equal(unknown.text, known.text, 'same body');
    assert.deepEqual(comparableHeaders(unknown), comparableHeaders(known), 'same headers (but Date)');
    assert.ok(Math.abs(unknownWait - knownWait) <= 1, `same Retry-After (${unknownWait} vs ${knownWait})`);
  });

  it('wrong password, unknown user: the same 401 answer (body and headers but Date)', async () => {
    const wrong = await login(strict, 'carol', 'wrong password y', '127.0.10.5');
    const unknown = await login(strict, 'nobody-here', 'wrong password y', '127.0.10.6');
    for (const answer of [wrong, unknown]) {
      assert.equal(answer.status, 401);
      assert.equal(answer.code, 'invalid_credentials');
    }
    assert.equal(wrong.text, unknown.text);
    assert.deepEqual(comparableHeaders(wrong), comparableHeaders(unknown));
  });

  it('a burst of 25 parallel logins from one IP: 20 are answered, the rest 429 (20 attempts per IP per second)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) => login(strict, `spray-${i}`, 'Summer2026!', '127.0.12.1')),
    );
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 401).length, 20, statuses.join(','));
    for (const answer of answers.filter((a) => a.status !== 401)) assertThrottled(answer, 'burst');
  });

  it('refresh is limited per IP (60 a minute): the 61st is 429 with Retry-After, another IP is not', async () => {
    const refresh = (from: string) =>
      send(strict, 'POST', '/api/users-sessions/refresh', { body: { refresh_token: `brt_${'x'.repeat(43)}` }, from });
    for (let i = 1; i <= 60; i += 1) {
      const answer = await refresh('127.0.13.1');
      assert.equal(answer.status, 401, `refresh ${i}: ${answer.text}`);
      assert.equal(answer.code, 'invalid_grant');
    }
    const limited = await refresh('127.0.13.1');
    assert.equal(limited.status, 429, limited.text);
    assert.equal(limited.code, 'too_many_requests');
    assert.ok(Number(limited.headers['retry-after']) >= 1 && Number(limited.headers['retry-after']) <= 60);
    assert.equal((await refresh('127.0.13.2')).code, 'invalid_grant');
  });

  it('the server is still healthy', () => strict.assertHealthy());
});

describe('adversarial: user enumeration through login answers and timing', () => {
  it('unknown user, wrong password and disabled user: one status, code, body and header set', async () => {
    const { access_token: admin } = await strict.login('alice');
    const created = await send(strict, 'POST', '/api/users', {
      token: admin,
      body: { username: 'dormant', password: 'dormant has a passphrase', role: 'clerk' },
    });
    assert.equal(created.status, 201, created.text);
    const disabled = await send(strict, 'PATCH', `/api/users/${created.json<{ id: string }>().id}`, {
      token: admin,
      body: { disabled: true },
    });
    assert.equal(disabled.status, 200, disabled.text);

    const answers = [
      await login(strict, 'nobody-here', 'dormant has a passphrase', '127.0.11.1'),
      await login(strict, 'bob', 'dormant has a passphrase', '127.0.11.2'),
      await login(strict, 'dormant', 'dormant has a passphrase', '127.0.11.3'),
    ];
    for (const answer of answers) {
      assert.equal(answer.status, 401, answer.text);
      assert.equal(answer.code, 'invalid_credentials');
      assert.deepEqual(Object.keys(answer.json<object>()).sort(), ['code', 'detail', 'status', 'title', 'type']);
    }
    assert.equal(new Set(answers.map((a) => a.text)).size, 1, 'one body');
    assert.equal(new Set(answers.map((a) => JSON.stringify(comparableHeaders(a)))).size, 1, 'one header set');
  });

  it('median wall time of unknown-user and wrong-password logins is within a factor of 2 (a dummy hash is burned)', async () => {
    const rounds = 15;
    const unknown: number[] = [];
    const known: number[] = [];
    let address = 0;
    const timed = async (username: string, into: number[]) => {
      address += 1;
      const from = `127.0.${20 + Math.floor(address / 250)}.${1 + (address % 250)}`;
      const start = process.hrtime.bigint();
      const answer = await login(strict, username, 'not the right password', from);
      into.push(Number(process.hrtime.bigint() - start) / 1e6);
      assert.equal(answer.status, 401, `${username}: ${answer.text}`);
    };
    await timed('alice', []); // warm-up: first argon2 run and connection set-up
    for (let i = 0; i < rounds; i += 1) {
      // Interleaved, and the order flips every round, so drift hits both sides alike.
      if (i % 2 === 0) {
        await timed(`ghost-${i}`, unknown);
        await timed('alice', known);
      } else {
        await timed('alice', known);
        await timed(`ghost-${i}`, unknown);
      }
    }
    const ratio = median(unknown) / median(known);
    assert.ok(
      ratio > 0.5 && ratio < 2,
      `unknown ${median(unknown).toFixed(1)} ms vs known ${median(known).toFixed(1)} ms (ratio ${ratio.toFixed(2)})`,
    );
    // And the argon2 cost is really paid on both sides (no cheap early return).
    assert.ok(median(unknown) > 5, `an unknown-user login takes ${median(unknown).toFixed(1)} ms: no hash burned?`);
  });

  it('the server is still healthy', () => strict.assertHealthy());
});
