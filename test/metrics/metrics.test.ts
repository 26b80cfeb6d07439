// test-runner: serial (bounds the revocation sync age)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoPassword, startServe, type ServerProcess } from '../helpers/process.js';
import { parseExposition, type Exposition } from './exposition.js';

const ISSUER = 'http://bulwark-metrics.test';
const json = { 'content-type': 'application/json' };

/** The "Metrics on <url>" line of the serve banner (written just after the listening line). */
async function metricsUrlOf(server: ServerProcess): Promise<string> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const url = /Metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(server.output())?.[1];
    if (url !== undefined) return url;
    if (Date.now() > deadline) assert.fail(`no metrics line in:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function scrape(url: string): Promise<{ text: string; exposition: Exposition }> {
  const response = await fetch(url);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  const text = await response.text();
  return { text, exposition: parseExposition(text) };
}

/**
 * `bulwark serve` as two real processes (token service, payroll-only behind its JWKS URL), each
 * with BULWARK_METRICS_PORT=0: what a client does shows up on each one's /metrics listener, with
 * route templates and outcome words as labels and nothing about the caller.
 */
describe('Prometheus metrics on a listener of their own', () => {
  let dataDir: string;
  let auth: ServerProcess;
  let payroll: ServerProcess;
  let authMetrics: string;
  let payrollMetrics: string;
  const secrets: string[] = [];
  let employeeId = '';

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-metrics-'));
    auth = await startServe({ BULWARK_DATA_DIR: dataDir, BULWARK_ISSUER: ISSUER, BULWARK_METRICS_PORT: '0' }, [
      '--only',
      'auth',
    ]);
    payroll = await startServe(
      { BULWARK_DATA_DIR: dataDir, BULWARK_ISSUER: ISSUER, BULWARK_DEMO: '0', BULWARK_METRICS_PORT: '0' },
      ['--only', 'payroll', '--jwks-url', `${auth.url}/.well-known/jwks.json`],
    );
    [authMetrics, payrollMetrics] = await Promise.all([metricsUrlOf(auth), metricsUrlOf(payroll)]);
  });
  after(async () => {
    await payroll?.stop();
    await auth?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts logins, refreshes and verifications on the token service, by outcome', async () => {
    const password = demoPassword(dataDir, 'alice');
    secrets.push(password);
    const login = (body: object) =>
      fetch(`${auth.url}/api/users-sessions`, { method: 'POST', headers: json, body: JSON.stringify(body) });
    const wrong = await login({ username: 'alice', password: `${password}-wrong` });
    assert.equal(wrong.status, 401);
    const ok = await login({ username: 'alice', password });
    assert.equal(ok.status, 201);
    const pair = (await ok.json()) as { access_token: string; refresh_token: string };
    secrets.push(pair.access_token, pair.refresh_token);
    assert.equal(
      (await fetch(`${auth.url}/api/users/me`, { headers: { authorization: `Bearer ${pair.access_token}` } })).status,
      200,
    );

    const refresh = async (token: string, status: number) => {
      const response = await fetch(`${auth.url}/api/users-sessions/refresh`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ refresh_token: token }),
      });
      assert.equal(response.status, status);
      const body = (await response.json()) as { refresh_token: string; access_token: string };
      if (status === 200) secrets.push(body.refresh_token, body.access_token);
      return body.refresh_token;
    };
    const first = await refresh(pair.refresh_token, 200); // rotated
    assert.equal(await refresh(pair.refresh_token, 200), first); // again within the reuse window: the same successor
    await refresh(first, 200); // rotated
    await refresh(pair.refresh_token, 401); // its successor is used: reuse, the session is revoked

    const { exposition } = await scrape(authMetrics);
    const value = (name: string, labels: Record<string, string>) => exposition.value(name, labels);
    assert.equal(value('bulwark_logins_total', { outcome: 'success' }), 1);
    assert.equal(value('bulwark_logins_total', { outcome: 'invalid_credentials' }), 1);
    assert.equal(value('bulwark_logins_total', { outcome: 'throttled' }), 0);
    assert.equal(value('bulwark_refreshes_total', { outcome: 'rotated' }), 2);
    assert.equal(value('bulwark_refreshes_total', { outcome: 'replayed_within_window' }), 1);
    assert.equal(value('bulwark_refreshes_total', { outcome: 'reuse_detected' }), 1);
    assert.equal(value('bulwark_token_verifications_total', { outcome: 'ok' }), 1);
    const logins = { method: 'POST', route: '/api/users-sessions' };
    assert.equal(value('bulwark_http_request_duration_seconds_count', { ...logins, status: '201' }), 1);
    assert.equal(value('bulwark_http_request_duration_seconds_count', { ...logins, status: '401' }), 1);
    assert.equal(
      value('bulwark_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/api/users-sessions/refresh',
        status: '200',
      }),
      3,
    );
    assert.equal(value('bulwark_database_up', {}), 1);
    assert.equal(value('bulwark_argon2_queue_depth', {}), 0);
    assert.equal(value('bulwark_argon2_in_flight', {}), 0);
    assert.ok((value('bulwark_revocation_sync_age_seconds', {}) ?? Infinity) < 10, 'the store sync runs every 2 s');
    assert.equal(
      exposition.types.has('bulwark_redis_up'),
      false,
      'no Redis configured: no series rather than a false 0',
    );
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      assert.ok(exposition.types.has(name), `process metric ${name}`);
    }
  });

  it("counts the payroll process's JWKS fetch, its verifications by reason, and its routes by template", async () => {
    const password = demoPassword(dataDir, 'alice');
    const login = await fetch(`${auth.url}/api/users-sessions`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ username: 'alice', password }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
    secrets.push(token);
    const bearer = { authorization: `Bearer ${token}` };
    const list = await fetch(`${payroll.url}/api/employees`, { headers: bearer });
    assert.equal(list.status, 200);
    employeeId = ((await list.json()) as { items: Array<{ id: string }> }).items[0]?.id ?? '';
    assert.notEqual(employeeId, '');
    assert.equal((await fetch(`${payroll.url}/api/employees/${employeeId}`, { headers: bearer })).status, 200);
    // The same token with another signature: 64 bytes of ES256 signature, all changed.
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.alloc(64, 7).toString('base64url')}`;
    assert.equal(
      (await fetch(`${payroll.url}/api/employees`, { headers: { authorization: `Bearer ${forged}` } })).status,
      401,
    );
    assert.equal(
      (
        await fetch(`${payroll.url}/api/employees/secret-path-segment`, {
          headers: { authorization: 'Bearer not-a-jwt' },
        })
      ).status,
      401,
    );
    assert.equal((await fetch(`${payroll.url}/no/such/route-${employeeId}`)).status, 404);

    const { exposition, text } = await scrape(payrollMetrics);
    const value = (name: string, labels: Record<string, string>) => exposition.value(name, labels);
    assert.equal(value('bulwark_jwks_fetches_total', { outcome: 'ok' }), 1);
    assert.equal(value('bulwark_jwks_fetches_total', { outcome: 'error' }), 0);
    assert.equal(value('bulwark_token_verifications_total', { outcome: 'ok' }), 2);
    assert.equal(value('bulwark_token_verifications_total', { outcome: 'signature_invalid' }), 1);
    assert.equal(value('bulwark_token_verifications_total', { outcome: 'malformed' }), 1);
    assert.equal(
      value('bulwark_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/employees/:id',
        status: '200',
      }),
      1,
    );
    assert.equal(
      value('bulwark_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/employees/:id',
        status: '401',
      }),
      1,
    );
    assert.equal(
      value('bulwark_http_request_duration_seconds_count', { method: 'GET', route: '/api/employees', status: '401' }),
      1,
    );
    assert.equal(
      value('bulwark_http_request_duration_seconds_count', { method: 'GET', route: '(no route)', status: '404' }),
      1,
    );
    assert.equal(value('bulwark_database_up', {}), 1);
    assert.equal(exposition.types.has('bulwark_argon2_queue_depth'), false, 'payroll checks no password');
    assert.ok(
      !text.includes(employeeId) && !text.includes('secret-path-segment') && !text.includes('/no/such'),
      'raw URLs never become labels',
    );
  });

  it('puts nothing about callers in the metrics: no usernames, passwords, tokens or addresses', async () => {
    for (const url of [authMetrics, payrollMetrics]) {
      const { text, exposition } = await scrape(url);
      for (const secret of secrets) {
        assert.ok(!text.includes(secret.slice(0, 24)), 'no password or token (nor a prefix of one)');
      }
      assert.ok(!/alice|bob|carol/.test(text), 'no username');
      const labelValues = exposition.samples.flatMap((s) => Object.values(s.labels));
      assert.ok(!labelValues.some((v) => /^\d+\.\d+\.\d+\.\d+$|^::/.test(v)), 'no address as a label');
      const labelNames = new Set(exposition.samples.flatMap((s) => Object.keys(s.labels)));
      for (const name of labelNames)
        assert.ok(
          [
            'method',
            'route',
            'status',
            'outcome',
            'feed',
            'le',
            'type',
            'kind',
            'space',
            'version',
            'major',
            'minor',
            'patch',
          ].includes(name),
          `unexpected label ${name}`,
        );
    }
  });

  it('serves /metrics only on its own listener: GET/HEAD /metrics there, nothing else; the API has no /metrics', async () => {
    for (const server of [auth, payroll]) {
      const api = await fetch(`${server.url}/metrics`);
      assert.equal(api.status, 404);
      assert.equal(((await api.json()) as { code: string }).code, 'not_found');
    }
    const origin = new URL(authMetrics).origin;
    assert.equal((await fetch(`${origin}/`)).status, 404);
    assert.equal((await fetch(`${origin}/metrics/../healthz`)).status, 404);
    const post = await fetch(authMetrics, { method: 'POST', body: '{}' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    const head = await fetch(authMetrics, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  it('binds to loopback by default (the banner and the URL say 127.0.0.1)', () => {
    assert.match(auth.output(), /Metrics on http:\/\/127\.0\.0\.1:\d+\/metrics/);
    assert.notEqual(new URL(authMetrics).port, new URL(auth.url).port);
  });
});
