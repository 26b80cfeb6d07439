import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoPassword, runCli, startServe, type ServerProcess } from '../helpers/process.js';

interface Issued {
  sentAt: number;
  token: string;
  kid: string;
  me: number;
  inJwks: boolean;
}

const kidOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8')) as { kid: string }).kid;

/**
 * `keys rotate --now --revoke-current` is run by the CLI, another process writing the same SQLite
 * file, while logins go on against a running server. Every token answered after the command has
 * returned is signed by the new key and is accepted by that same server (its API, its JWKS) at once:
 * the server must not keep signing with the removed key until its next periodic key reload.
 */
describe('a key revoked by the CLI stops signing on a running server at once (SQLite)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let server: ServerProcess;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-revoke-live-'));
    env = {
      BULWARK_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      BULWARK_LOGIN_ATTEMPTS_PER_IP_PER_SECOND: '100000',
      BULWARK_LOGIN_FAILURES_PER_IP: '100000',
    };
    server = await startServe(env);
  });
  after(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('no token answered after the command returns is signed by the removed key or refused', async () => {
    const password = demoPassword(dataDir, 'alice');
    const login = async (): Promise<Issued> => {
      const sentAt = Date.now();
      const res = await fetch(`${server.url}/api/users-sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password }),
      });
      assert.equal(res.status, 201, await res.clone().text());
      const { access_token: token } = (await res.json()) as { access_token: string };
      // Checked as soon as it is answered: the server's own API and its JWKS.
      const [me, jwks] = await Promise.all([
        fetch(`${server.url}/api/users/me`, { headers: { authorization: `Bearer ${token}` } }),
        fetch(`${server.url}/.well-known/jwks.json`).then(
          async (r) => (await r.json()) as { keys: Array<{ kid: string }> },
        ),
      ]);
      const kid = kidOf(token);
      return { sentAt, token, kid, me: me.status, inJwks: jwks.keys.some((k) => k.kid === kid) };
    };
    const before = await login();
    assert.equal(before.me, 200);

    let stop = false;
    const issued: Issued[] = [];
    const loops = [0, 1].map(async () => {
      while (!stop) issued.push(await login());
    });
    const rotate = await runCli(['keys', 'rotate', '--now', '--revoke-current'], env);
    const returnedAt = Date.now();
    assert.equal(rotate.code, 0, rotate.stderr);
    // Well past the CLI's exit, but short of most servers' next 5 s key reload.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    stop = true;
    await Promise.all(loops);

    const listed = JSON.parse((await runCli(['keys', 'list', '--json'], env)).stdout) as Array<{
      kid: string;
      state: string;
    }>;
    assert.equal(listed.find((k) => k.kid === before.kid)?.state, 'removed');
    const active = listed.find((k) => k.state === 'active')?.kid;
    const after = issued.filter((i) => i.sentAt >= returnedAt);
    assert.ok(after.length >= 2, `logins went on after the command (${after.length})`);
    for (const token of after) {
      assert.equal(token.kid, active, 'signed by the new key');
      assert.equal(token.me, 200, 'accepted by the server that issued it');
      assert.ok(token.inJwks, 'its key is in the JWKS');
    }
    // The removed key's tokens are refused from now on.
    const old = await fetch(`${server.url}/api/users/me`, { headers: { authorization: `Bearer ${before.token}` } });
    assert.equal(old.status, 401);
  });
});
