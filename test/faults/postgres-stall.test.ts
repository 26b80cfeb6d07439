// test-runner: serial (bounds how long a stalled database may hold a request)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { paymentBody } from '../payroll/fixture.js';
import { demoPassword, startServe, type ServerProcess } from '../helpers/process.js';
import { SKIP_PRIVATE_POSTGRES, startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.js';
import { until } from '../revocation/helpers.js';

/** Short deadlines so the test stays short; the defaults (3 s / 5 s) behave alike, only slower. */
const STATEMENT_TIMEOUT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 1_000;
/** A statement that the stopped server never answers is given up at statement timeout + 1 s. */
const ANSWER_BOUND_MS = STATEMENT_TIMEOUT_MS + 1_000 + 1_500;
const READY_BOUND_MS = 2_500;
/** Shorter than the stall, so a window counted from a refresh's start would have closed. */
const REUSE_WINDOW_SECONDS = 2;
const STALL_MS = 3_000;

interface Login {
  access_token: string;
  refresh_token: string;
  session_id: string;
}
const json = { 'content-type': 'application/json' };

if (SKIP_PRIVATE_POSTGRES !== false) it('a stalled Postgres', { skip: SKIP_PRIVATE_POSTGRES }, () => undefined);

/**
 * A real `bulwark serve` on a Postgres of the test's own, stopped with SIGSTOP (the postmaster
 * and every backend: the database accepts connections at the TCP level and never answers, the
 * way a hung host or a frozen VM does) and resumed with SIGCONT.
 */
describe(
  'a stalled Postgres (SIGSTOP): 503 + Retry-After within seconds, readiness 503, recovery on SIGCONT',
  { skip: SKIP_PRIVATE_POSTGRES },
  () => {
    let pg: PrivatePostgres;
    let server: ServerProcess;
    let dataDir: string;
    let admin: Login;
    let carolPassword: string;

    const call = (path: string, token: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) },
      });
    async function login(username: string, password: string): Promise<Login> {
      const response = await fetch(`${server.url}/api/users-sessions`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ username, password }),
      });
      assert.equal(response.status, 201);
      return (await response.json()) as Login;
    }
    const refresh = (token: string) =>
      fetch(`${server.url}/api/users-sessions/refresh`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ refresh_token: token }),
      });
    /** Status, problem code and Retry-After of an answer, and how long it took. */
    async function timed(
      request: () => Promise<Response>,
    ): Promise<{ status: number; code: string | undefined; retryAfter: string | null; ms: number }> {
      const started = performance.now();
      const response = await request();
      const body = (await response.json().catch(() => ({}))) as { code?: string };
      return {
        status: response.status,
        code: body.code,
        retryAfter: response.headers.get('retry-after'),
        ms: performance.now() - started,
      };
    }
    async function stalled<T>(work: () => Promise<T>): Promise<T> {
      pg.stop();
      try {
        return await work();
      } finally {
        pg.resume();
      }
    }

    before(async () => {
      pg = await startPrivatePostgres();
      dataDir = mkdtempSync(join(tmpdir(), 'bulwark-stall-'));
      server = await startServe(
        {
          BULWARK_DATABASE_URL: pg.url,
          BULWARK_DATA_DIR: dataDir,
          BULWARK_DEMO: '1',
          BULWARK_MASTER_KEY: randomBytes(32).toString('base64url'),
          BULWARK_DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
          BULWARK_DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
          BULWARK_REFRESH_REUSE_WINDOW: String(REUSE_WINDOW_SECONDS),
          BULWARK_LOG_LEVEL: 'warn',
          BULWARK_LOGIN_ATTEMPTS_PER_IP_PER_SECOND: '100000',
          BULWARK_REFRESH_PER_IP_PER_MINUTE: '100000',
          BULWARK_WRITES_PER_USER_PER_MINUTE: '100000',
        },
        [],
        30_000,
      );
      carolPassword = demoPassword(dataDir, 'carol');
      admin = await login('alice', demoPassword(dataDir, 'alice'));
    });
    after(async () => {
      pg?.resume();
      await server?.stop();
      await pg?.close();
      if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    });

    it('/readyz, /api/users/me and POST /api/payments answer 503 service_unavailable with Retry-After within seconds; /healthz and the JWKS at once; all recover', async () => {
      const carol = await login('carol', carolPassword);
      const employeeId = ((await (await call('/api/users/me', carol.access_token)).json()) as { employee_id: string })
        .employee_id;
      const payment = JSON.stringify(paymentBody(employeeId, { amount_cents: 4_242, memo: 'stall test' }));
      const pay = () =>
        call('/api/payments', admin.access_token, {
          method: 'POST',
          headers: { ...json, 'idempotency-key': 'stall-1' },
          body: payment,
        });
      assert.equal((await timed(() => fetch(`${server.url}/readyz`))).status, 200);

      const answers = await stalled(async () => {
        const first = await Promise.all([
          timed(() => fetch(`${server.url}/readyz`)),
          timed(() => call('/api/users/me', carol.access_token)),
          timed(pay),
          timed(() => fetch(`${server.url}/healthz`)),
          timed(() => fetch(`${server.url}/.well-known/jwks.json`)),
        ]);
        // Again, now that the stalled connections were dropped: new ones wait on the connect deadline.
        const again = await Promise.all([timed(() => call('/api/users/me', carol.access_token)), timed(pay)]);
        return { first, again };
      });
      const [ready, me, paid, health, jwks] = answers.first;
      for (const [what, answer] of Object.entries({
        ready,
        me,
        paid,
        meAgain: answers.again[0],
        paidAgain: answers.again[1],
      })) {
        assert.deepEqual([answer?.status, answer?.code], [503, 'service_unavailable'], what);
        assert.match(answer?.retryAfter ?? '', /^[1-9]\d*$/, `${what} carries Retry-After`);
        assert.ok((answer?.ms ?? Infinity) < ANSWER_BOUND_MS, `${what} answered in ${Math.round(answer?.ms ?? 0)} ms`);
      }
      assert.ok((ready?.ms ?? Infinity) < READY_BOUND_MS, `/readyz answered in ${Math.round(ready?.ms ?? 0)} ms`);
      assert.deepEqual([health?.status, jwks?.status], [200, 200]);
      assert.ok((health?.ms ?? Infinity) < 500 && (jwks?.ms ?? Infinity) < 500, 'what lives in memory answers at once');

      await until(
        async () => (await fetch(`${server.url}/readyz`)).status === 200,
        10_000,
        'ready again after SIGCONT',
      );
      assert.equal((await call('/api/users/me', carol.access_token)).status, 200);
      // Nothing of the refused payment was written: the retry pays once.
      const retried = await pay();
      assert.equal(retried.status, 201);
      assert.equal(retried.headers.get('idempotent-replayed'), null);
      assert.equal((await pay()).headers.get('idempotent-replayed'), 'true');
    });

    it('a refresh caught by the stall and retried after it keeps the session: no 401, no refresh.reused, the session refreshes on', async () => {
      // The stall lands at a different point of the refresh each time: before it, in its rotation, after it.
      for (const delayMs of [0, 2, 5, 10, 20]) {
        const carol = await login('carol', carolPassword);
        const first = refresh(carol.refresh_token).then(
          (r) => r,
          (error: unknown) => error as Error,
        );
        await new Promise((done) => setTimeout(done, delayMs));
        pg.stop();
        await new Promise((done) => setTimeout(done, STALL_MS));
        pg.resume();
        const firstAnswer = await first;
        let current: string;
        if (firstAnswer instanceof Response && firstAnswer.status === 200) {
          current = ((await firstAnswer.json()) as Login).refresh_token;
        } else {
          assert.ok(firstAnswer instanceof Response, String(firstAnswer));
          assert.equal(firstAnswer.status, 503, `delay ${delayMs}: the stalled refresh`);
          assert.match(firstAnswer.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
          // The client's retry, with the token it still has, once the database answers again.
          let retry: Response;
          do retry = await refresh(carol.refresh_token);
          while (retry.status === 503);
          assert.equal(retry.status, 200, `delay ${delayMs}: the retried refresh`);
          current = ((await retry.json()) as Login).refresh_token;
        }
        const next = await refresh(current);
        assert.equal(next.status, 200, `delay ${delayMs}: the session refreshes on`);
        const reused = (await (await call(`/api/audit-events?type=refresh.reused`, admin.access_token)).json()) as {
          items: Array<{ target_id?: string }>;
        };
        assert.equal(reused.items.length, 0, `delay ${delayMs}: no reuse alert`);
      }
    });
  },
);
