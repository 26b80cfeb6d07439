// test-runner: serial (bounds cross-instance revocation latency)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { paymentBody } from '../payroll/fixture.js';
import { demoPassword, startServe, type ServerProcess } from '../helpers/process.js';
import { createTestSchema, SKIP_POSTGRES } from '../helpers/postgres.js';
import { TcpOutage } from '../helpers/tcp-proxy.js';
import { percentile, until } from '../revocation/helpers.js';
import { RedisProcess, redisServerAvailable } from './redis-process.js';

/** Short, so the test sees both sides of the refresh reuse window. */
const REUSE_WINDOW_SECONDS = 1;
const skip =
  SKIP_POSTGRES !== false
    ? SKIP_POSTGRES
    : redisServerAvailable()
      ? false
      : 'redis-server not on PATH (the cluster test runs its own Redis to kill it)';
if (skip !== false) it('N instances on shared Postgres + Redis', { skip }, () => undefined);

const ISSUER = 'http://bulwark-cluster.test';
const JWKS_MAX_AGE = 3;
/** Enough for a login per revocation sample and their DELETEs from one address and one admin. */
const LIMITS = {
  BULWARK_LOGIN_ATTEMPTS_PER_IP_PER_SECOND: '100000',
  BULWARK_LOGIN_FAILURES_PER_IP: '100000',
  BULWARK_WRITES_PER_USER_PER_MINUTE: '100000',
  BULWARK_REFRESH_PER_IP_PER_MINUTE: '100000',
  BULWARK_REFRESH_REUSE_WINDOW: String(REUSE_WINDOW_SECONDS),
};
const SAMPLES = 200;

interface Login {
  access_token: string;
  refresh_token: string;
  session_id: string;
}

const kidOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid;

/**
 * Real processes (built dist/), the way an operator runs Bulwark past one machine: instances A and
 * B started together on one Postgres schema and one Redis, each with its own data dir (nothing
 * shared through the file system), the same master key. The test owns its Redis so it can crash
 * it (SIGKILL) and start it again.
 */
describe('N instances on shared Postgres + Redis', { skip }, () => {
  let redis: RedisProcess;
  /** B reaches Postgres through this proxy, so the test can cut B off from the database alone. */
  let databaseLink: TcpOutage;
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let a: ServerProcess;
  let b: ServerProcess;
  const dirs: string[] = [];
  let admin: Login;
  let carolPassword: string;

  const call = (server: ServerProcess, token: string, path = '/api/users/me', init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) },
    });
  const status = async (server: ServerProcess, token: string, path?: string) =>
    (await call(server, token, path)).status;
  async function login(server: ServerProcess, username: string, password: string): Promise<Login> {
    const response = await fetch(`${server.url}/api/users-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    assert.equal(response.status, 201, `login on ${server.url}`);
    return (await response.json()) as Login;
  }
  async function revokeSession(server: ServerProcess, sessionId: string): Promise<void> {
    assert.equal(
      (await call(server, admin.access_token, `/api/sessions/${sessionId}`, { method: 'DELETE' })).status,
      204,
    );
  }
  async function readyz(
    server: ServerProcess,
  ): Promise<{ status: number; body: { status: string; database?: string; redis?: string } }> {
    const response = await fetch(`${server.url}/readyz`);
    return { status: response.status, body: (await response.json()) as { status: string; redis?: string } };
  }

  before(async () => {
    redis = await RedisProcess.start();
    schema = await createTestSchema('bulwark_cluster');
    const database = new URL(schema.url);
    databaseLink = new TcpOutage({ host: database.hostname, port: Number(database.port || 5432) });
    await databaseLink.up();
    const viaLink = new URL(schema.url);
    viaLink.host = `127.0.0.1:${databaseLink.port}`;
    const shared = {
      BULWARK_DATABASE_URL: schema.url,
      BULWARK_REDIS_URL: redis.url,
      BULWARK_MASTER_KEY: randomBytes(32).toString('base64url'),
      BULWARK_ISSUER: ISSUER,
      BULWARK_JWKS_MAX_AGE: String(JWKS_MAX_AGE),
      ...LIMITS,
    };
    const dir = () => {
      const path = mkdtempSync(join(tmpdir(), 'bulwark-cluster-'));
      dirs.push(path);
      return path;
    };
    // Started together: the migrations' advisory lock and the first key must not race.
    [a, b] = await Promise.all([
      startServe({ ...shared, BULWARK_DATA_DIR: dir(), BULWARK_DEMO: '1' }),
      startServe({ ...shared, BULWARK_DATABASE_URL: viaLink.toString(), BULWARK_DATA_DIR: dir(), BULWARK_DEMO: '0' }),
    ]);
    carolPassword = demoPassword(dirs[0] as string, 'carol');
    admin = await login(a, 'alice', demoPassword(dirs[0] as string, 'alice'));
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.kill();
    await databaseLink?.down();
    await schema?.drop();
    for (const path of dirs) rmSync(path, { recursive: true, force: true });
  });

  it('two instances started at once migrate once and share one active key', async () => {
    for (const server of [a, b]) {
      await until(async () => (await readyz(server)).body.redis === 'ok', 5_000, 'redis ok');
      const ready = await readyz(server);
      assert.deepEqual([ready.status, ready.body.status, ready.body.database], [200, 'ready', 'ok']);
    }
    const keys = (await (await call(b, admin.access_token, '/api/keys')).json()) as {
      items: Array<{ kid: string; state: string }>;
    };
    assert.equal(keys.items.filter((k) => k.state === 'active').length, 1, JSON.stringify(keys.items));
  });

  it('a token from A works on B, and a refresh token from A refreshes on B', async () => {
    const carol = await login(a, 'carol', carolPassword);
    assert.equal(await status(b, carol.access_token), 200);
    assert.equal(await status(b, carol.access_token, '/api/employees'), 200);
    const refreshed = await fetch(`${b.url}/api/users-sessions/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: carol.refresh_token }),
    });
    assert.equal(refreshed.status, 200);
    const pair = (await refreshed.json()) as Login;
    assert.equal(await status(a, pair.access_token), 200);
    // Within the reuse window a replay on A answers the successor B issued (the store is shared).
    const replay = () =>
      fetch(`${a.url}/api/users-sessions/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: carol.refresh_token }),
      });
    const retried = await replay();
    assert.equal(retried.status, 200);
    assert.equal(((await retried.json()) as Login).refresh_token, pair.refresh_token);
    // After it the used refresh token is spent on every instance: reuse on A ends the session everywhere.
    await new Promise((done) => setTimeout(done, REUSE_WINDOW_SECONDS * 1000 + 200));
    const reuse = await replay();
    assert.equal(reuse.status, 401);
    await until(async () => (await status(b, pair.access_token)) === 401, 1_000, 'reuse revokes the session on B');
  });

  it('a session revoked on B is rejected on A within 250 ms (Redis pub/sub, not the 2 s store sync)', async () => {
    const carol = await login(a, 'carol', carolPassword);
    assert.equal(await status(a, carol.access_token), 200);
    await revokeSession(b, carol.session_id);
    await until(async () => (await status(a, carol.access_token)) === 401, 250, 'revocation from B reaches A');
    const logout = await login(b, 'carol', carolPassword);
    assert.equal((await call(b, logout.access_token, '/api/users-sessions/current', { method: 'DELETE' })).status, 204);
    await until(async () => (await status(a, logout.access_token)) === 401, 250, 'logout on B reaches A');
  });

  it('a key rotated on A is published by B before B signs with it; old tokens keep verifying', async () => {
    const before = await login(b, 'carol', carolPassword);
    const oldKid = kidOf(before.access_token);
    const rotated = await call(a, admin.access_token, '/api/keys/rotate', { method: 'POST' });
    assert.equal(rotated.status, 201);
    const next = (await rotated.json()) as { kid: string; state: string; signs_from: string };
    assert.equal(next.state, 'next');
    const signsFrom = Date.parse(next.signs_from);
    const jwksKids = async (server: ServerProcess) =>
      (
        (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> }
      ).keys.map((k) => k.kid);
    // B learns of the key at its next reload (≤ 5 s) and publishes it while still signing with the old one.
    await until(async () => (await jwksKids(b)).includes(next.kid), 6_000, 'B publishes the next key');
    const publishedAt = Date.now();
    assert.ok(
      publishedAt + JWKS_MAX_AGE * 1000 <= signsFrom,
      'B published it at least the JWKS max-age before it signs',
    );
    assert.equal(kidOf((await login(b, 'carol', carolPassword)).access_token), oldKid, 'B does not sign with it yet');
    // After signs_from, the next lifecycle run promotes it and both instances sign with it.
    await until(
      async () => kidOf((await login(b, 'carol', carolPassword)).access_token) === next.kid,
      signsFrom - Date.now() + 11_000,
      'B signs with the new key',
    );
    await until(
      async () => kidOf((await login(a, 'carol', carolPassword)).access_token) === next.kid,
      6_000,
      'A signs with the new key',
    );
    assert.ok(Date.now() >= signsFrom, 'not before signs_from');
    for (const server of [a, b])
      assert.equal(await status(server, before.access_token), 200, 'a token of the retired key still verifies');
    const keys = (await (await call(b, admin.access_token, '/api/keys')).json()) as {
      items: Array<{ kid: string; state: string }>;
    };
    assert.equal(keys.items.find((k) => k.kid === oldKid)?.state, 'retired');
    assert.equal(keys.items.find((k) => k.kid === next.kid)?.state, 'active');
  });

  it('Redis crashes: /readyz says degraded, logins and revocations keep working, revocations reach the other instance by store sync', async () => {
    const early = await login(a, 'carol', carolPassword);
    await redis.kill();
    for (const server of [a, b]) {
      await until(async () => (await readyz(server)).body.redis === 'degraded', 5_000, 'redis degraded');
      const ready = await readyz(server);
      assert.deepEqual([ready.status, ready.body.status], [200, 'degraded']);
    }
    const during = await login(b, 'carol', carolPassword);
    assert.equal(await status(a, during.access_token), 200, 'a token made during the outage works elsewhere');
    await revokeSession(b, early.session_id);
    await revokeSession(a, during.session_id);
    // The store sync runs every 2 s on every instance.
    await until(
      async () => (await status(a, early.access_token)) === 401,
      3_000,
      "B's revocation reaches A without Redis",
    );
    await until(
      async () => (await status(b, during.access_token)) === 401,
      3_000,
      "A's revocation reaches B without Redis",
    );

    await redis.restart();
    for (const server of [a, b])
      await until(async () => (await readyz(server)).body.redis === 'ok', 10_000, 'redis ok again');
    // Nothing lost: what was revoked during the outage stays revoked everywhere, and pub/sub works again.
    for (const server of [a, b]) {
      assert.equal(await status(server, early.access_token), 401);
      assert.equal(await status(server, during.access_token), 401);
    }
    const after = await login(a, 'carol', carolPassword);
    assert.equal(await status(b, after.access_token), 200);
    await revokeSession(a, after.session_id);
    await until(async () => (await status(b, after.access_token)) === 401, 250, 'pub/sub is back');
  });

  it(`revocation propagation B → A over ${SAMPLES} revocations comes over pub/sub (figures printed for docs/benchmarks.md)`, async () => {
    const sessions: Login[] = [];
    for (let i = 0; i < SAMPLES; i += 2) {
      sessions.push(...(await Promise.all([login(a, 'carol', carolPassword), login(b, 'carol', carolPassword)])));
    }
    const fromRequest: number[] = [];
    const fromResponse: number[] = [];
    for (const session of sessions) {
      assert.equal(await status(a, session.access_token), 200);
      const sent = performance.now();
      await revokeSession(b, session.session_id);
      const answered = performance.now();
      await until(async () => (await status(a, session.access_token)) === 401, 1_000, 'revocation reaches A');
      const rejected = performance.now();
      fromRequest.push(rejected - sent);
      fromResponse.push(rejected - answered);
    }
    fromRequest.sort((x, y) => x - y);
    fromResponse.sort((x, y) => x - y);
    const line = (label: string, values: number[]) =>
      `${label}: p50 ${percentile(values, 50).toFixed(2)} ms, p99 ${percentile(values, 99).toFixed(2)} ms, max ${(values.at(-1) ?? Number.NaN).toFixed(2)} ms`;
    // eslint-disable-next-line no-console
    console.log(
      [
        `revocation propagation between two bulwark serve processes (Postgres + Redis), ${SAMPLES} revocations:`,
        line('  DELETE /api/sessions/{id} sent to B → first 401 on A', fromRequest),
        line('  204 from B → first 401 on A', fromResponse),
      ].join('\n'),
    );
    // Not a speed assertion (docs/benchmarks.md has the figures): the store sync alone would put the
    // median near 1 s (uniform over its 2 s period); a median far below proves the feed carried them.
    assert.ok(percentile(fromRequest, 50) < 250, line('median too high for pub/sub', fromRequest));
  });

  it('Postgres unreachable from B: 503 service_unavailable for what needs it, revocations still arrive over Redis, and B recovers on its own', async () => {
    const carol = await login(b, 'carol', carolPassword);
    const carolEmployeeId = ((await (await call(b, carol.access_token)).json()) as { employee_id: string }).employee_id;
    const victim = await login(a, 'carol', carolPassword);
    await databaseLink.down();
    const problem = async (response: Response) => [
      response.status,
      response.headers.get('content-type')?.split(';')[0],
      ((await response.json()) as { code: string }).code,
    ];
    const unavailable = [503, 'application/problem+json', 'service_unavailable'];
    assert.deepEqual(await problem(await fetch(`${b.url}/readyz`)), unavailable);
    assert.deepEqual(await problem(await call(b, carol.access_token)), unavailable);
    assert.deepEqual(await problem(await call(b, carol.access_token, '/api/employees')), unavailable);
    assert.deepEqual(
      await problem(
        await fetch(`${b.url}/api/users-sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'carol', password: carolPassword }),
        }),
      ),
      unavailable,
    );
    const payment = paymentBody(carolEmployeeId, { amount_cents: 12_345, memo: 'outage test' });
    const pay = () =>
      call(b, admin.access_token, '/api/payments', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'cluster-outage-1' },
        body: JSON.stringify(payment),
      });
    assert.deepEqual(await problem(await pay()), unavailable);
    // What lives in memory keeps answering: liveness, the JWKS, and token rejection.
    assert.equal((await fetch(`${b.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${b.url}/.well-known/jwks.json`)).status, 200);
    assert.equal((await call(b, 'not.a.token')).status, 401);
    // A revocation made on A reaches B's memory over Redis even though B cannot read the store.
    await revokeSession(a, victim.session_id);
    await until(
      async () => (await status(b, victim.access_token)) === 401,
      1_000,
      'revocation reaches B without its database',
    );

    await databaseLink.up();
    await until(async () => (await fetch(`${b.url}/readyz`)).status === 200, 10_000, 'B ready again');
    assert.equal(await status(b, carol.access_token), 200);
    // The payment refused during the outage was not half-written: the retry creates it once.
    const retried = await pay();
    assert.equal(retried.status, 201);
    assert.equal(retried.headers.get('idempotent-replayed'), null);
    assert.equal((await pay()).headers.get('idempotent-replayed'), 'true');
  });
});
