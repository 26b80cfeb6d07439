import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoPassword, startServe, type ServerProcess } from '../helpers/process.js';

const ISSUER = 'http://bulwark-auth.test';

/** Polls until `check` passes or `ms` runs out; returns how long it took. */
async function eventually(check: () => Promise<boolean>, ms: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (await check()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`condition not met within ${ms} ms`);
}

/**
 * The seed's "each microservice validates the token itself": the token service and the payroll
 * API as two real processes. Payroll knows the token service only by its JWKS URL (and shares
 * the database for revocations); nothing else passes between them.
 */
describe('split mode: serve --only auth + serve --only payroll --jwks-url', () => {
  let dataDir: string;
  let auth: ServerProcess;
  let payroll: ServerProcess;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-split-'));
    auth = await startServe({ BULWARK_DATA_DIR: dataDir, BULWARK_ISSUER: ISSUER }, ['--only', 'auth']);
    payroll = await startServe(
      { BULWARK_DATA_DIR: dataDir, BULWARK_ISSUER: ISSUER, BULWARK_DEMO: '0', BULWARK_JWKS_COOLDOWN: '1' },
      ['--only', 'payroll', '--jwks-url', `${auth.url}/.well-known/jwks.json`],
    );
  });
  after(async () => {
    await payroll?.stop();
    await auth?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const password = (user: string) => demoPassword(dataDir, user);
  const login = async (user: string) => {
    const response = await fetch(`${auth.url}/api/users-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user, password: password(user) }),
    });
    assert.equal(response.status, 201);
    return (await response.json()) as { access_token: string };
  };
  const kidOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).kid as string;
  const employees = (token: string) =>
    fetch(`${payroll.url}/api/employees`, { headers: { authorization: `Bearer ${token}` } });

  it('each process serves only its part', async () => {
    assert.equal((await fetch(`${auth.url}/api/employees`)).status, 404);
    assert.equal((await fetch(`${payroll.url}/api/users-sessions`, { method: 'POST' })).status, 404);
    assert.equal((await fetch(`${payroll.url}/.well-known/jwks.json`)).status, 404);
    const ready = await fetch(`${payroll.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', database: 'ok', jwks: 'ok' });
  });

  it('a token from the token service works on the payroll process', async () => {
    const { access_token: token } = await login('alice');
    const response = await employees(token);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { items: unknown[] };
    assert.ok(body.items.length >= 10);
    const clerk = await login('bob');
    const write = await fetch(`${payroll.url}/api/employees`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clerk.access_token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(write.status, 403);
    assert.equal((await employees(`${token}x`)).status, 401);
  });

  it('a key rotated on the token service is picked up by payroll without a restart; old tokens still verify', async () => {
    const before = await login('alice');
    const rotated = await fetch(`${auth.url}/api/keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${before.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ now: true }),
    });
    assert.equal(rotated.status, 201);
    const { kid } = (await rotated.json()) as { kid: string };
    const after = await login('alice');
    assert.equal(kidOf(after.access_token), kid);
    assert.notEqual(kidOf(before.access_token), kid);
    await eventually(async () => (await employees(after.access_token)).status === 200, 5_000);
    assert.equal((await employees(before.access_token)).status, 200, 'the retired key keeps verifying');
  });

  it('an emergency rotation (--now --revoke-current) stops the old key on payroll within seconds, not at the next JWKS fetch', async () => {
    const before = await login('alice');
    assert.equal((await employees(before.access_token)).status, 200);
    const rotated = await fetch(`${auth.url}/api/keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${before.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ now: true, revoke_current: true }),
    });
    assert.equal(rotated.status, 201);
    // The JWKS max-age is 300 s; the removed-key sync reads the shared store every 2 s.
    await eventually(async () => (await employees(before.access_token)).status === 401, 5_000);
    const after = await login('alice');
    await eventually(async () => (await employees(after.access_token)).status === 200, 5_000);
  });

  it('a logout on the token service reaches the payroll process', async () => {
    const session = await login('carol');
    assert.equal((await employees(session.access_token)).status, 200);
    const logout = await fetch(`${auth.url}/api/users-sessions/current`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${session.access_token}` },
    });
    assert.equal(logout.status, 204);
    const took = await eventually(async () => (await employees(session.access_token)).status === 401, 5_000);
    assert.ok(took <= 5_000);
  });

  it('payroll-only refuses to start without a JWKS URL (one line naming the variable)', async () => {
    await assert.rejects(
      startServe({ BULWARK_DATA_DIR: dataDir }, ['--only', 'payroll'], 5_000),
      /BULWARK_JWKS_URL: is required/,
    );
  });
});
