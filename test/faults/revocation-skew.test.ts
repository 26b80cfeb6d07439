// test-runner: serial (two instances with skewed clocks and a guard polling the SET feed; timing-sensitive)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createIssuerVerifier, type IssuerVerifier } from '../../packages/guard/src/index.js';
import { demoPassword, freePort, startServe, type ServerProcess } from '../helpers/process.js';
import { createTestSchema, SKIP_POSTGRES } from '../helpers/postgres.js';

/** A's clock runs 20 s ahead of the database's, B's 20 s behind: 40 s apart. */
const AHEAD = '+20s';
const BEHIND = '-20s';
/**
 * BULWARK_CLOCK_SKEW bounds the difference between any two clocks of the deployment: with A and
 * B 40 s apart the default 30 s would refuse A's tokens on B as issued in the future (iat).
 */
const CLOCK_SKEW_SECONDS = '45';
const REDIS_URL = process.env.BULWARK_TEST_REDIS_URL;
const LIBFAKETIME = ['x86_64-linux-gnu', 'aarch64-linux-gnu']
  .map((arch) => `/usr/lib/${arch}/faketime/libfaketime.so.1`)
  .find((path) => existsSync(path));
const skip =
  SKIP_POSTGRES !== false
    ? SKIP_POSTGRES
    : REDIS_URL === undefined || REDIS_URL === ''
      ? 'BULWARK_TEST_REDIS_URL not set'
      : LIBFAKETIME !== undefined
        ? false
        : 'libfaketime not installed (Debian: faketime)';
if (skip !== false) it('user-wide revocations on two instances 40 s apart', { skip }, () => undefined);

interface Pair {
  access_token: string;
  refresh_token: string;
  session_id: string;
}

const faked = (offset: string) => ({
  LD_PRELOAD: LIBFAKETIME as string,
  FAKETIME: offset,
  FAKETIME_NO_CACHE: '1',
  FAKETIME_DONT_FAKE_MONOTONIC: '1',
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two real instances on one Postgres schema and one Redis, A 20 s ahead of the database and B
 * 20 s behind (libfaketime), and a third-party verifier (`createIssuerVerifier`, fed by the SET
 * feed) on the true clock. After each user-wide revocation made on one instance, every token
 * issued before it is refused by all three, and a login right after it on the other instance
 * gives a token all three accept: user-wide revocations go by the sessions' sids, and the user
 * cut-off runs on the database's clock, the skew behind.
 */
describe(
  `user-wide revocations on two instances (${AHEAD}, ${BEHIND}; libfaketime) on one Postgres + Redis, and a guard fed by the SET feed`,
  { skip },
  () => {
    let schema: Awaited<ReturnType<typeof createTestSchema>>;
    let a: ServerProcess;
    let b: ServerProcess;
    let guard: IssuerVerifier;
    const dirs: string[] = [];
    let admin: string;
    let adminOnB: string;

    const call = (server: ServerProcess, method: string, path: string, token: string | null, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: {
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const login = async (server: ServerProcess, username: string, password: string): Promise<Pair> => {
      const answer = await call(server, 'POST', '/api/users-sessions', null, { username, password });
      assert.equal(answer.status, 201, await answer.clone().text());
      return (await answer.json()) as Pair;
    };
    const addUser = async (role: string): Promise<{ id: string; username: string; password: string }> => {
      const username = `skew-${randomBytes(4).toString('hex')}`;
      const password = `${username}-Correct-Horse-42`;
      const answer = await call(a, 'POST', '/api/users', admin, { username, password, role });
      assert.equal(answer.status, 201, await answer.clone().text());
      return { id: ((await answer.json()) as { id: string }).id, username, password };
    };
    /** What each verifier says of the token: the status of /api/users/me on A and B, and the guard's. */
    const verdicts = async (token: string): Promise<{ a: number; b: number; guard: number }> => {
      const [onA, onB] = await Promise.all([a, b].map((server) => call(server, 'GET', '/api/users/me', token)));
      await Promise.all([onA?.body?.cancel(), onB?.body?.cancel()]);
      const byGuard = await guard.verifyAsync(token).then(
        () => 200,
        () => 401,
      );
      return { a: onA?.status ?? 0, b: onB?.status ?? 0, guard: byGuard };
    };
    const accepted = { a: 200, b: 200, guard: 200 };
    const refused = { a: 401, b: 401, guard: 401 };
    /** Refused by all three within 3 s (Redis pub/sub, the SET feed's long poll); then checked once more. */
    const assertRefused = async (token: string, what: string) => {
      const started = performance.now();
      let seen = await verdicts(token);
      while (JSON.stringify(seen) !== JSON.stringify(refused) && performance.now() - started < 3_000) {
        await sleep(25);
        seen = await verdicts(token);
      }
      assert.deepEqual(seen, refused, `${what}: refused everywhere`);
    };
    const assertAccepted = async (token: string, what: string) =>
      assert.deepEqual(await verdicts(token), accepted, `${what}: accepted everywhere`);
    /** After the revocation has reached every verifier, and again after a store sync (2 s) and a feed poll. */
    const assertAcceptedAfterwards = async (token: string, what: string) => {
      await assertAccepted(token, `${what}, once the revocation has arrived`);
      await sleep(2_500);
      await assertAccepted(token, `${what}, after a store sync`);
    };

    before(async () => {
      schema = await createTestSchema('bulwark_revskew');
      const dir = () => {
        const path = mkdtempSync(join(tmpdir(), 'bulwark-revskew-'));
        dirs.push(path);
        return path;
      };
      const port = await freePort();
      const issuer = `http://127.0.0.1:${port}`;
      const shared = {
        BULWARK_DATABASE_URL: schema.url,
        BULWARK_REDIS_URL: REDIS_URL as string,
        BULWARK_MASTER_KEY: randomBytes(32).toString('base64url'),
        BULWARK_ISSUER: issuer,
        BULWARK_CLOCK_SKEW: CLOCK_SKEW_SECONDS,
        BULWARK_LOG_LEVEL: 'warn',
      };
      a = await startServe(
        { ...shared, ...faked(AHEAD), PORT: String(port), BULWARK_DATA_DIR: dir(), BULWARK_DEMO: '1' },
        [],
        30_000,
      );
      b = await startServe({ ...shared, ...faked(BEHIND), BULWARK_DATA_DIR: dir(), BULWARK_DEMO: '0' }, [], 30_000);
      const alice = demoPassword(dirs[0] as string, 'alice');
      admin = (await login(a, 'alice', alice)).access_token;
      adminOnB = (await login(b, 'alice', alice)).access_token;
      const client = await call(a, 'POST', '/api/clients', admin, { name: 'skew guard', scope: 'ssf:poll' });
      assert.equal(client.status, 201, await client.clone().text());
      const { client_id: clientId, client_secret: clientSecret } = (await client.json()) as {
        client_id: string;
        client_secret: string;
      };
      guard = await createIssuerVerifier({ issuer, audience: 'payroll', clientId, clientSecret });
    });
    after(async () => {
      await guard?.close();
      await Promise.all([a?.stop(), b?.stop()]);
      await schema?.drop();
      for (const path of dirs) rmSync(path, { recursive: true, force: true });
    });

    it('the clocks really are 40 s apart (the dates A and B answer with)', async () => {
      const [onA, onB] = await Promise.all(
        [a, b].map(async (server) => Date.parse((await fetch(`${server.url}/healthz`)).headers.get('date') ?? '')),
      );
      const apart = (onA ?? 0) - (onB ?? 0);
      assert.ok(apart >= 38_000 && apart <= 42_000, `A is ${apart} ms ahead of B`);
    });

    it('a password change on B (behind) ends the other sessions everywhere; a login on A right after works everywhere', async () => {
      const user = await addUser('clerk');
      const onA = await login(a, user.username, user.password);
      const onB = await login(b, user.username, user.password);
      const keeper = await login(b, user.username, user.password);
      for (const pair of [onA, onB, keeper]) await assertAccepted(pair.access_token, 'before the change');
      const next = `${user.username}-Another-Horse-77`;
      const change = await call(b, 'PUT', '/api/users/me/password', keeper.access_token, {
        current_password: user.password,
        new_password: next,
      });
      assert.equal(change.status, 204, await change.text());
      const fresh = await login(a, user.username, next);
      await assertRefused(onA.access_token, "A's token from before");
      await assertRefused(onB.access_token, "B's token from before");
      const refresh = await call(a, 'POST', '/api/users-sessions/refresh', null, { refresh_token: onB.refresh_token });
      assert.equal(refresh.status, 401, 'a refresh token from before is refused');
      await assertAccepted(keeper.access_token, 'the session that changed the password');
      await assertAcceptedAfterwards(fresh.access_token, 'the login on A right after');
    });

    for (const [what, revokeOn, loginOn] of [
      ['disable and enable on A (ahead); a login on B (behind) right after', 'a', 'b'],
      ['disable and enable on B (behind); a login on A (ahead) right after', 'b', 'a'],
    ] as const) {
      it(`${what}: tokens from before refused everywhere, the new one accepted everywhere`, async () => {
        const [revoker, adminToken] = revokeOn === 'a' ? [a, admin] : [b, adminOnB];
        const other = loginOn === 'a' ? a : b;
        const user = await addUser('clerk');
        const before = [await login(a, user.username, user.password), await login(b, user.username, user.password)];
        for (const pair of before) await assertAccepted(pair.access_token, 'before the disable');
        const off = await call(revoker, 'PATCH', `/api/users/${user.id}`, adminToken, { disabled: true });
        assert.equal(off.status, 200, await off.text());
        const on = await call(revoker, 'PATCH', `/api/users/${user.id}`, adminToken, { disabled: false });
        assert.equal(on.status, 200, await on.text());
        const fresh = await login(other, user.username, user.password);
        await assertRefused(before[0]!.access_token, "A's token from before");
        await assertRefused(before[1]!.access_token, "B's token from before");
        await assertAcceptedAfterwards(fresh.access_token, 'the login right after');
      });
    }

    it('a role change on A (ahead): the old role is refused everywhere, a login on B (behind) right after carries the new one, accepted everywhere', async () => {
      const user = await addUser('clerk');
      const before = [await login(a, user.username, user.password), await login(b, user.username, user.password)];
      const patch = await call(a, 'PATCH', `/api/users/${user.id}`, admin, { role: 'employee' });
      assert.equal(patch.status, 200, await patch.text());
      const fresh = await login(b, user.username, user.password);
      for (const pair of before) await assertRefused(pair.access_token, 'a clerk token from before');
      await assertAcceptedAfterwards(fresh.access_token, 'the login on B right after');
      const me = (await (await call(a, 'GET', '/api/users/me', fresh.access_token)).json()) as { role: string };
      assert.equal(me.role, 'employee');
    });

    it("an admin's revoke of every session on B (behind): tokens from A (ahead) refused everywhere, a login on A right after accepted everywhere", async () => {
      const user = await addUser('employee');
      const before = [await login(a, user.username, user.password), await login(a, user.username, user.password)];
      const revoke = await call(b, 'DELETE', `/api/users/${user.id}/sessions`, adminOnB);
      assert.equal(revoke.status, 204, await revoke.text());
      const fresh = await login(a, user.username, user.password);
      for (const pair of before) await assertRefused(pair.access_token, "A's token from before");
      await assertAcceptedAfterwards(fresh.access_token, 'the login on A right after');
    });
  },
);
