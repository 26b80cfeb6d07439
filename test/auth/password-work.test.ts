import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PasswordWork, passwordWork } from '../../src/auth/passwords/password-work.js';
import { ServiceUnavailableError } from '../../src/errors/index.js';
import { createHarness, problemOf, type Harness } from '../helpers/harness.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('password work bound', () => {
  it('runs at most `concurrency` at once, queues up to `queue`, refuses the rest with 503, in order', async () => {
    const work = new PasswordWork(1, 1);
    const first = deferred();
    const order: string[] = [];
    const a = work.run(async () => {
      await first.promise;
      order.push('a');
    });
    const b = work.run(async () => {
      order.push('b');
    });
    assert.deepEqual(work.load, { active: 1, waiting: 1 });
    await assert.rejects(
      work.run(async () => order.push('c')),
      (error: unknown) => error instanceof ServiceUnavailableError && error.status === 503,
    );
    first.resolve();
    await Promise.all([a, b]);
    assert.deepEqual(order, ['a', 'b']);
    assert.deepEqual(work.load, { active: 0, waiting: 0 });
  });

  it('a failing run frees its slot for the next', async () => {
    const work = new PasswordWork(1, 4);
    const failing = work.run(() => Promise.reject(new Error('argon2 failed')));
    const next = work.run(async () => 'ran');
    await assert.rejects(failing, /argon2 failed/);
    assert.equal(await next, 'ran');
    assert.deepEqual(work.load, { active: 0, waiting: 0 });
  });
});

describe('a login flood from many addresses', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    await h.addUser('alice', 'admin');
  });
  after(() => h.close());

  it('sheds what the bound cannot hold with 503 (never a 500), for known and unknown users alike, and recovers', async () => {
    const attempts = Array.from({ length: 200 }, (_, i) =>
      h.app.inject({
        method: 'POST',
        url: '/api/users-sessions',
        payload: { username: i % 2 === 0 ? 'alice' : `nobody-${i}`, password: 'not-the-password-1' },
        remoteAddress: `10.77.${Math.floor(i / 250)}.${i % 250}`,
      }),
    );
    const answers = await Promise.all(attempts);
    const statuses = answers.map((a) => a.statusCode);
    assert.deepEqual([...new Set(statuses)].sort(), [401, 503], `statuses: ${[...new Set(statuses)].join(', ')}`);
    for (const answer of answers.filter((a) => a.statusCode === 503)) {
      assert.equal(problemOf(answer).code, 'service_unavailable');
    }
    const shedKnown = answers.filter((a, i) => a.statusCode === 503 && i % 2 === 0).length;
    const shedUnknown = answers.filter((a, i) => a.statusCode === 503 && i % 2 === 1).length;
    assert.ok(shedKnown > 0 && shedUnknown > 0, `shed known ${shedKnown}, unknown ${shedUnknown}`);
    assert.ok(
      statuses.filter((s) => s === 401).length >= passwordWork.concurrency + passwordWork.queue - 2,
      'the bound admits what it holds',
    );
    assert.deepEqual(passwordWork.load, { active: 0, waiting: 0 });
    assert.equal((await h.login('alice', 'alice-Correct-Horse-42')).token_type, 'Bearer');
  });
});
