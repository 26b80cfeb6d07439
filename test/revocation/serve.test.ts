import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoPassword, startServe, type ServerProcess } from '../helpers/process.js';
import { REDIS_URL, SKIP_REDIS, until } from './helpers.js';

const ISSUER = 'http://bulwark-feed.test';

if (SKIP_REDIS !== false)
  it('two bulwark serve processes share revocations over Redis', { skip: SKIP_REDIS }, () => undefined);

/**
 * Real processes (built dist/): the token service and the payroll API, sharing a data dir and
 * the test Redis. With the feed up the payroll process syncs from the store only every 10 s, so a
 * logout rejected there well within that came over pub/sub.
 */
describe('two bulwark serve processes share revocations over Redis', { skip: SKIP_REDIS }, () => {
  let dataDir: string;
  let auth: ServerProcess;
  let payroll: ServerProcess;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-feed-serve-'));
    const env = { BULWARK_DATA_DIR: dataDir, BULWARK_ISSUER: ISSUER, BULWARK_REDIS_URL: REDIS_URL as string };
    auth = await startServe(env, ['--only', 'auth']);
    payroll = await startServe({ ...env, BULWARK_DEMO: '0' }, [
      '--only',
      'payroll',
      '--jwks-url',
      `${auth.url}/.well-known/jwks.json`,
    ]);
  });
  after(async () => {
    await payroll?.stop();
    await auth?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const password = (user: string) => demoPassword(dataDir, user);

  it('both report redis ok in /readyz', async () => {
    for (const server of [auth, payroll]) {
      await until(
        async () => ((await (await fetch(`${server.url}/readyz`)).json()) as { redis?: string }).redis === 'ok',
        5_000,
        'redis ok',
      );
      const ready = await fetch(`${server.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.equal(((await ready.json()) as { status: string }).status, 'ready');
    }
  });

  it('a logout on the token service is rejected on the payroll process within a second', async () => {
    const login = await fetch(`${auth.url}/api/users-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: password('alice') }),
    });
    assert.equal(login.status, 201);
    const { access_token: token } = (await login.json()) as { access_token: string };
    const employees = () => fetch(`${payroll.url}/api/employees`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await employees()).status, 200);
    const logout = await fetch(`${auth.url}/api/users-sessions/current`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(logout.status, 204);
    const took = await until(async () => (await employees()).status === 401, 1_000, 'logout reaches payroll');
    // eslint-disable-next-line no-console
    console.log(`logout to rejection on the other process over Redis: ${took.toFixed(1)} ms`);
    assert.match(auth.output(), /revocation feed: Redis pub\/sub/);
  });
});
