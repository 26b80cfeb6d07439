import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { bearer, createHarness, problemOf, type Harness } from '../helpers/harness.js';

describe('security headers, CORS and /docs (development, plain HTTP)', () => {
  let h: Harness;
  let alice: { password: string };
  before(async () => {
    h = await createHarness({ BULWARK_CORS_ORIGINS: 'https://app.example' });
    alice = await h.addUser('alice', 'admin');
  });
  after(() => h.close());

  it('sends helmet headers and a locked-down CSP on API answers, and no HSTS over plain HTTP', async () => {
    const { access_token } = await h.login('alice', alice.password);
    for (const response of [
      await h.app.inject({ url: '/api/users/me', headers: bearer(access_token) }),
      await h.app.inject({ url: '/api/users/me' }),
      await h.app.inject({ url: '/no/such/route' }),
    ]) {
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['x-frame-options'], 'DENY');
      assert.equal(response.headers['referrer-policy'], 'no-referrer');
      assert.equal(response.headers['cross-origin-resource-policy'], 'same-origin');
      assert.match(String(response.headers['content-security-policy']), /default-src 'none'.*frame-ancestors 'none'/);
      assert.equal(response.headers['strict-transport-security'], undefined);
      assert.equal(response.headers['cache-control'], 'no-store');
    }
  });

  it('still renders Swagger UI at /docs/ (no API CSP there)', async () => {
    const response = await h.app.inject({ url: '/docs/' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/html/);
    assert.match(response.body, /swagger/i);
    assert.equal(response.headers['content-security-policy'], undefined);
    assert.equal((await h.app.inject({ url: '/openapi.json' })).statusCode, 200);
  });

  it('answers a CORS preflight from an allowed origin and not from another', async () => {
    const preflight = (origin: string) =>
      h.app.inject({
        method: 'OPTIONS',
        url: '/api/users/me',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    const good = await preflight('https://app.example');
    assert.ok(good.statusCode < 300, `preflight answered ${good.statusCode}`);
    assert.equal(good.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(good.headers['access-control-allow-credentials'], 'true');
    const evil = await preflight('https://evil.example');
    assert.equal(evil.headers['access-control-allow-origin'], undefined);
  });

  it('lets an allowed browser origin read Retry-After, WWW-Authenticate and Idempotent-Replayed', async () => {
    const response = await h.app.inject({ url: '/api/users/me', headers: { origin: 'https://app.example' } });
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['access-control-allow-origin'], 'https://app.example');
    const exposed = String(response.headers['access-control-expose-headers'])
      .split(',')
      .map((v) => v.trim().toLowerCase());
    assert.deepEqual(exposed.sort(), ['idempotent-replayed', 'retry-after', 'www-authenticate']);
  });

  it('ignores X-Forwarded-Proto when the proxy is not trusted: no HSTS, bare cookie name', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      headers: { 'x-forwarded-proto': 'https' },
      payload: { username: 'alice', password: alice.password },
    });
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers['strict-transport-security'], undefined);
    assert.match(String(response.headers['set-cookie']), /^bulwark_refresh=/);
  });
});

describe('production behind a TLS proxy (BULWARK_TRUST_PROXY=1)', () => {
  let h: Harness;
  let alice: { password: string };
  before(async () => {
    h = await createHarness({
      BULWARK_ENV: 'production',
      BULWARK_TRUST_PROXY: '1',
      BULWARK_MASTER_KEY: randomBytes(32).toString('base64url'),
    });
    alice = await h.addUser('alice', 'admin');
  });
  after(() => h.close());

  it('refuses requests the proxy received over plain HTTP with 403 https_required', async () => {
    for (const headers of [{}, { 'x-forwarded-proto': 'http' }, { 'x-forwarded-proto': 'https, http' }]) {
      const response = await h.app.inject({
        method: 'POST',
        url: '/api/users-sessions',
        headers,
        payload: { username: 'alice', password: alice.password },
      });
      assert.equal(response.statusCode, 403);
      assert.equal(problemOf(response).code, 'https_required');
      assert.equal(response.headers['set-cookie'], undefined);
    }
    assert.equal(problemOf(await h.app.inject({ url: '/no/such/route' })).code, 'https_required');
  });

  it('serves X-Forwarded-Proto: https with HSTS and the __Secure- refresh cookie', async () => {
    const headers = { 'x-forwarded-proto': 'https' };
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      headers,
      payload: { username: 'alice', password: alice.password },
    });
    assert.equal(login.statusCode, 201);
    assert.match(String(login.headers['strict-transport-security']), /^max-age=31536000; includeSubDomains$/);
    const cookie = String(login.headers['set-cookie']);
    assert.match(cookie, /^__Secure-bulwark_refresh=brt_/);
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/api/users-sessions'])
      assert.ok(cookie.includes(attribute), `cookie lacks ${attribute}`);
    const token = login.json<{ refresh_token: string }>().refresh_token;
    // The bare name is not read on HTTPS: only the prefixed cookie counts there.
    const bare = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/refresh',
      headers,
      cookies: { bulwark_refresh: token },
    });
    assert.equal(bare.statusCode, 401);
    assert.equal(problemOf(bare).code, 'invalid_grant');
    const foreign = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/refresh',
      headers: { ...headers, origin: 'https://evil.example' },
      cookies: { '__Secure-bulwark_refresh': token },
    });
    assert.equal(foreign.statusCode, 403);
    assert.equal(problemOf(foreign).code, 'forbidden');
    const refreshed = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/refresh',
      headers,
      cookies: { '__Secure-bulwark_refresh': token },
    });
    assert.equal(refreshed.statusCode, 200);
    assert.match(String(refreshed.headers['set-cookie']), /^__Secure-bulwark_refresh=brt_/);
  });

  it('takes the client address the proxy saw, not an X-Forwarded-For entry the client wrote itself', async () => {
    const failedFrom = async (forwardedFor: string) => {
      const response = await h.app.inject({
        method: 'POST',
        url: '/api/users-sessions',
        headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': forwardedFor },
        payload: { username: 'alice', password: 'wrong-password-here' },
      });
      assert.equal(response.statusCode, 401);
      const events = (await h.services.store.audit.list({ type: 'login.failed' }, { limit: 1 })).items;
      return events[0]?.ip;
    };
    // The proxy appends the peer it saw (203.0.113.9); anything left of it came from the client.
    assert.equal(await failedFrom('203.0.113.9'), '203.0.113.9');
    assert.equal(await failedFrom('6.6.6.6, 203.0.113.9'), '203.0.113.9');
    assert.equal(await failedFrom('1.1.1.1, 2.2.2.2, 203.0.113.9'), '203.0.113.9');
  });

  it('keeps /healthz and /readyz reachable over plain HTTP for load-balancer probes', async () => {
    assert.equal((await h.app.inject({ url: '/healthz' })).statusCode, 200);
    assert.equal((await h.app.inject({ url: '/readyz', headers: { 'x-forwarded-proto': 'http' } })).statusCode, 200);
  });
});
