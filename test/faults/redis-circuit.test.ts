import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { CircuitOpenError, RedisCircuit, RedisTimeoutError } from '../../src/redis/circuit.js';

const never = () => new Promise<never>(() => undefined);
const fails = () => Promise.reject(new Error('ECONNREFUSED'));

describe('Redis circuit breaker', () => {
  it('bounds a command that never answers by its timeout', async () => {
    const circuit = new RedisCircuit(async () => 'PONG', { timeoutMs: 50, failureThreshold: 5 });
    const started = performance.now();
    await assert.rejects(circuit.run(never), RedisTimeoutError);
    assert.ok(performance.now() - started < 500);
    assert.equal(circuit.state, 'closed', 'one failure does not open it');
  });

  it('opens after consecutive failures; then refuses at once without calling Redis', async () => {
    const circuit = new RedisCircuit(async () => 'PONG', { timeoutMs: 50, failureThreshold: 2 });
    const changes: string[] = [];
    circuit.onChange((state) => changes.push(state));
    await assert.rejects(circuit.run(never), RedisTimeoutError);
    await assert.rejects(circuit.run(fails), /ECONNREFUSED/);
    assert.equal(circuit.state, 'open');
    let called = false;
    const started = performance.now();
    await assert.rejects(
      circuit.run(async () => {
        called = true;
      }),
      CircuitOpenError,
    );
    assert.equal(called, false);
    assert.ok(performance.now() - started < 20);
    assert.deepEqual(changes, ['open']);
  });

  it('a success between failures resets the count; a limiter\'s "no" is an answer, not a failure', async () => {
    const circuit = new RedisCircuit(async () => 'PONG', { timeoutMs: 50, failureThreshold: 2 });
    await assert.rejects(circuit.run(fails));
    assert.equal(await circuit.run(async () => 'OK'), 'OK');
    await assert.rejects(circuit.run(fails));
    const isAnswer = (error: unknown) => error instanceof RateLimiterRes;
    await assert.rejects(
      circuit.run(() => Promise.reject(new RateLimiterRes(0, 1000)), isAnswer),
      RateLimiterRes,
    );
    await assert.rejects(circuit.run(fails));
    assert.equal(circuit.state, 'closed');
  });

  it('the probe closes it again; a late answer to an old command does not', async () => {
    let redisAnswers = false;
    const circuit = new RedisCircuit(() => (redisAnswers ? Promise.resolve('PONG') : never()), {
      timeoutMs: 30,
      failureThreshold: 2,
    });
    const changes: string[] = [];
    circuit.onChange((state) => changes.push(state));
    let answerLate: (value: string) => void = () => undefined;
    const slow = circuit.run(
      () =>
        new Promise<string>((resolve) => {
          answerLate = resolve;
        }),
    );
    await assert.rejects(slow, RedisTimeoutError);
    assert.equal(await circuit.check(), 'open', 'the probe timed out too');
    answerLate('late');
    assert.equal(await circuit.check(), 'open');
    redisAnswers = true;
    assert.equal(await circuit.check(), 'closed');
    assert.equal(await circuit.run(async () => 'OK'), 'OK');
    assert.deepEqual(changes, ['open', 'closed']);
  });

  it('its heartbeat notices a hang with no traffic and its probe notices the recovery', async () => {
    let redisAnswers = true;
    const circuit = new RedisCircuit(() => (redisAnswers ? Promise.resolve('PONG') : never()), {
      timeoutMs: 20,
      failureThreshold: 2,
      heartbeatMs: 10,
      probeIntervalMs: 30,
    });
    const opened = new Promise((resolve) => circuit.onChange((state) => state === 'open' && resolve(state)));
    circuit.start();
    // The circuit's timer is unref'd (it never keeps a process alive): hold the loop open here.
    const keepAlive = setInterval(() => undefined, 1_000);
    try {
      redisAnswers = false;
      assert.equal(await opened, 'open');
      const closed = new Promise((resolve) => circuit.onChange((state) => state === 'closed' && resolve(state)));
      redisAnswers = true;
      assert.equal(await closed, 'closed');
    } finally {
      clearInterval(keepAlive);
      circuit.stop();
    }
  });
});
