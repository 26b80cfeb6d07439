import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServe, type ServerProcess } from '../helpers/process.js';

/** A newcomer's first start: a real process, a real port, the demo seed, the README's steps. */
describe('bulwark serve: first start and the README walk-through', () => {
  let dataDir: string;
  let server: ServerProcess;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-e2e-'));
    server = await startServe({ BULWARK_DATA_DIR: dataDir });
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const credentials = () => {
    const lines = readFileSync(join(dataDir, 'demo-credentials.txt'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    return Object.fromEntries(
      lines.map((l) => l.split(/\s+/)).map(([user, role, password]) => [user, { role, password: password ?? '' }]),
    );
  };

  it('seeds alice, bob and carol, prints their passwords once and writes them to a 0600 file', () => {
    const creds = credentials();
    assert.deepEqual(Object.keys(creds), ['alice', 'bob', 'carol']);
    assert.deepEqual([creds.alice?.role, creds.bob?.role, creds.carol?.role], ['admin', 'clerk', 'employee']);
    assert.equal(statSync(join(dataDir, 'demo-credentials.txt')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o777, 0o600);
    assert.ok(server.output().includes(creds.alice?.password ?? 'missing'));
  });

  it('walks the README: log in, /api/users/me, refresh, log out', async () => {
    const password = credentials().alice?.password;
    const login = await fetch(`${server.url}/api/users-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password }),
    });
    assert.equal(login.status, 201);
    const pair = (await login.json()) as { access_token: string; refresh_token: string };
    const me = await fetch(`${server.url}/api/users/me`, { headers: { authorization: `Bearer ${pair.access_token}` } });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { username: string }).username, 'alice');
    const refreshed = await fetch(`${server.url}/api/users-sessions/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: pair.refresh_token }),
    });
    assert.equal(refreshed.status, 200);
    const next = (await refreshed.json()) as { access_token: string };
    const logout = await fetch(`${server.url}/api/users-sessions/current`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${next.access_token}` },
    });
    assert.equal(logout.status, 204);
    const after = await fetch(`${server.url}/api/users/me`, {
      headers: { authorization: `Bearer ${next.access_token}` },
    });
    assert.equal(after.status, 401);
    assert.equal(after.headers.get('www-authenticate'), 'Bearer realm="bulwark", error="invalid_token"');
    assert.equal(((await after.json()) as { code: string }).code, 'invalid_token');
  });

  it('the process log holds no password or token', async () => {
    const password = credentials().bob?.password ?? '';
    const login = await fetch(`${server.url}/api/users-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bob', password }),
    });
    const pair = (await login.json()) as { access_token: string; refresh_token: string };
    await fetch(`${server.url}/api/users/me`, { headers: { authorization: `Bearer ${pair.access_token}` } });
    await new Promise((r) => setTimeout(r, 100));
    const logLines = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    assert.ok(logLines.length > 0, 'request logs are written');
    const logs = logLines.join('\n');
    assert.ok(!logs.includes(pair.access_token) && !logs.includes(pair.refresh_token) && !logs.includes(password));
  });

  it('stops cleanly on SIGTERM, and a second start keeps the same users and key', async () => {
    const kid = (
      (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> }
    ).keys[0]?.kid;
    assert.equal(await server.stop(), 0);
    server = await startServe({ BULWARK_DATA_DIR: dataDir });
    assert.ok(!server.output().includes('Demo users created'), 'no second seed');
    const again = (
      (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> }
    ).keys[0]?.kid;
    assert.equal(again, kid);
    const login = await fetch(`${server.url}/api/users-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'carol', password: credentials().carol?.password }),
    });
    assert.equal(login.status, 201);
  });
});
