import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RedisProcess, redisServerAvailable } from '../cluster/redis-process.js';
import { freePort, runCli, startServe, type ServerProcess } from '../helpers/process.js';

const skip = redisServerAvailable() ? false : 'no redis-server on PATH';
const PASSWORD = 'alice-Correct-Horse-42';

/**
 * `bulwark serve` counting login failures in a Redis of the test's own, which the test kills
 * (SIGKILL, no persistence: it comes back empty) between attempts. The store's durable count of
 * the account's failures carries over: no fresh attempts, and a running block keeps running.
 */
describe('the wrong-password throttle survives a Redis restart (real processes)', { skip }, () => {
  let redis: RedisProcess;
  let server: ServerProcess | undefined;
  let dataDir: string;
  let base: string;
  before(async () => {
    redis = await RedisProcess.start();
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-throttle-restart-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = {
      BULWARK_DATA_DIR: dataDir,
      BULWARK_ISSUER: base,
      PORT: String(port),
      HOST: '127.0.0.1',
      BULWARK_DEMO: '0',
      BULWARK_REDIS_URL: redis.url,
      BULWARK_LOGIN_FAILURES_PER_USER_IP: '5',
      BULWARK_LOGIN_ATTEMPTS_PER_IP_PER_SECOND: '1000',
    };
    const added = await runCli(
      ['users', 'add', '--username', 'alice', '--role', 'admin', '--password-stdin'],
      env,
      PASSWORD,
    );
    assert.equal(added.code, 0, added.stderr);
    server = await startServe(env);
  });
  after(async () => {
    await server?.stop();
    await redis?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const login = async (username: string, password: string) => {
    const response = await fetch(`${base}/api/users-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    return { status: response.status, retryAfter: Number(response.headers.get('retry-after') ?? 0) };
  };
  const restartRedis = async () => {
    await redis.kill();
    await redis.restart();
    // The server's client reconnects and its circuit closes again (each answered by memory meanwhile).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
  };

  it('three failures, a restart, then two more: the sixth is 429, not a fresh five', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await login('alice', 'wrong-password-1')).status, 401);
    await restartRedis();
    for (let i = 0; i < 2; i++)
      assert.equal((await login('alice', 'wrong-password-1')).status, 401, `failure ${i + 4}`);
    const blocked = await login('alice', PASSWORD);
    assert.equal(blocked.status, 429, 'the right password is refused while blocked');
    assert.ok(blocked.retryAfter >= 1 && blocked.retryAfter <= 30, String(blocked.retryAfter));
  });

  it('a block running when Redis restarts keeps running; it ends on time and the right password then logs in', async () => {
    await restartRedis();
    const still = await login('alice', PASSWORD);
    assert.equal(still.status, 429, 'restarting Redis ends no block');
    assert.ok(still.retryAfter >= 1 && still.retryAfter <= 30);
    // An unknown account is not in the store: its counters are the only ones (and nothing to guess).
    assert.equal((await login('nobody', 'wrong-password-1')).status, 401);
    await new Promise((resolve) => setTimeout(resolve, still.retryAfter * 1000 + 500));
    assert.equal((await login('alice', PASSWORD)).status, 201);
  });

  it('after a success the count starts again from zero, restart or not', async () => {
    for (let i = 0; i < 4; i++) assert.equal((await login('alice', 'wrong-password-2')).status, 401);
    await restartRedis();
    assert.equal((await login('alice', 'wrong-password-2')).status, 401, 'the fifth failure');
    assert.equal((await login('alice', PASSWORD)).status, 429);
  });
});
