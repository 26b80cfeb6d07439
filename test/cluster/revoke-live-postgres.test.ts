// test-runner: serial (bounds how long a removed key keeps verifying across instances)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoPassword, runCli, startServe, type ServerProcess } from '../helpers/process.js';
import { createTestSchema, SKIP_POSTGRES } from '../helpers/postgres.js';

const kidOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid;

interface Issued {
  answeredAt: number;
  token: string;
  kid: string;
  onA: number;
  onB: number;
}

/**
 * Two instances on one Postgres schema, logins on both, and `keys rotate --now --revoke-current`
 * from the CLI (a third process). No instance announces the change: every token either answers is
 * accepted by both at once (a removed key verifies for the reload interval + 1 s, while signers
 * drop it within the interval); past that window the removed key is refused everywhere.
 */
describe(
  'a key revoked by the CLI on Postgres: no instance answers a token another refuses',
  { skip: SKIP_POSTGRES },
  () => {
    let schema: Awaited<ReturnType<typeof createTestSchema>>;
    let a: ServerProcess;
    let b: ServerProcess;
    let env: Record<string, string>;
    const dirs: string[] = [];
    before(async () => {
      schema = await createTestSchema('bulwark_revoke_live');
      env = {
        BULWARK_DATABASE_URL: schema.url,
        BULWARK_MASTER_KEY: randomBytes(32).toString('base64url'),
        BULWARK_ISSUER: 'http://bulwark-revoke.test',
        HOST: '127.0.0.1',
        BULWARK_LOGIN_ATTEMPTS_PER_IP_PER_SECOND: '100000',
        BULWARK_LOGIN_FAILURES_PER_IP: '100000',
      };
      const dir = () => {
        const path = mkdtempSync(join(tmpdir(), 'bulwark-revoke-pg-'));
        dirs.push(path);
        return path;
      };
      a = await startServe({ ...env, BULWARK_DATA_DIR: dir(), BULWARK_DEMO: '1' });
      b = await startServe({ ...env, BULWARK_DATA_DIR: dir(), BULWARK_DEMO: '0' });
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await schema?.drop();
      for (const path of dirs) rmSync(path, { recursive: true, force: true });
    });

    it('tokens from A and B verify on both throughout; the removed key is refused everywhere after the window', async () => {
      const password = demoPassword(dirs[0] as string, 'alice');
      const me = async (server: ServerProcess, token: string) =>
        (await fetch(`${server.url}/api/users/me`, { headers: { authorization: `Bearer ${token}` } })).status;
      const login = async (server: ServerProcess): Promise<Issued> => {
        const res = await fetch(`${server.url}/api/users-sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'alice', password }),
        });
        assert.equal(res.status, 201, await res.clone().text());
        const { access_token: token } = (await res.json()) as { access_token: string };
        const answeredAt = Date.now();
        const [onA, onB] = await Promise.all([me(a, token), me(b, token)]);
        return { answeredAt, token, kid: kidOf(token), onA, onB };
      };
      const first = await login(a);
      let stop = false;
      const issued: Issued[] = [];
      const loops = [a, b].map(async (server) => {
        while (!stop) issued.push(await login(server));
      });
      const rotate = await runCli(['keys', 'rotate', '--now', '--revoke-current'], env);
      const returnedAt = Date.now();
      assert.equal(rotate.code, 0, rotate.stderr);
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      stop = true;
      await Promise.all(loops);

      const listed = JSON.parse((await runCli(['keys', 'list', '--json'], env)).stdout) as Array<{
        kid: string;
        state: string;
        removedAt: number | null;
      }>;
      const removed = listed.find((k) => k.kid === first.kid);
      assert.equal(removed?.state, 'removed');
      const active = listed.find((k) => k.state === 'active')?.kid;
      const late = issued.filter((i) => i.answeredAt >= returnedAt);
      assert.ok(late.length >= 4, `logins went on after the command (${late.length})`);
      for (const token of issued) {
        assert.deepEqual(
          [token.onA, token.onB],
          [200, 200],
          `a token of ${token.kid === first.kid ? 'the removed' : 'the new'} key, answered ${token.answeredAt - returnedAt} ms after the command, is accepted by both instances`,
        );
      }
      // Within the reload interval every instance has stopped signing with the removed key.
      for (const token of issued.filter((i) => i.answeredAt >= (removed?.removedAt ?? 0) + 5_000 + 200))
        assert.equal(token.kid, active);
      // Past removed_at + 6 s it is refused everywhere.
      const wait = (removed?.removedAt ?? 0) + 6_000 + 300 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      assert.deepEqual([await me(a, first.token), await me(b, first.token)], [401, 401]);
      const fresh = await login(b);
      assert.equal(fresh.kid, active);
      assert.deepEqual([fresh.onA, fresh.onB], [200, 200]);
    });
  },
);
