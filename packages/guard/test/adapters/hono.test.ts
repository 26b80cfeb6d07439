import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { REMOTE_JWKS_DEFAULTS, type RemoteJwksSource } from '@bulwark/guard';
import { createHonoMiddleware, type HonoAuthEnv } from '@bulwark/guard/hono';
import { clock, jwksOf, serveJwks, sourceFor, startJwksServer } from '../jwks/jwks-server.js';
import { keys, token, verifier } from '../helpers.js';

const PROBLEM = 'application/problem+json; charset=utf-8';
const INVALID = {
  type: 'urn:bulwark:problem:invalid_token',
  title: 'Unauthorized',
  status: 401,
  code: 'invalid_token',
  detail: 'The access token is missing, invalid or revoked.',
};
const EXPIRED = {
  type: 'urn:bulwark:problem:token_expired',
  title: 'Unauthorized',
  status: 401,
  code: 'token_expired',
  detail: 'The access token has expired.',
};
const forbidden = (detail: string) => ({
  type: 'urn:bulwark:problem:forbidden',
  title: 'Forbidden',
  status: 403,
  code: 'forbidden',
  detail,
});

function buildApp(rejected: string[] = []) {
  const v = verifier();
  const onRejected = (error: unknown) => rejected.push((error as { reason?: string }).reason ?? 'forbidden');
  const app = new Hono<HonoAuthEnv>();
  app.get('/me', createHonoMiddleware(v, { onRejected }), (c) =>
    c.json({ sub: c.get('auth').sub, role: c.var.auth.role }),
  );
  app.get('/clerk', createHonoMiddleware(v, { roles: ['clerk'] }), (c) => c.json({ ok: true }));
  app.get('/pay', createHonoMiddleware(v, { scopes: ['payroll:read', 'payroll:pay'] }), (c) => c.json({ ok: true }));
  app.get('/open', (c) => c.json({ auth: c.get('auth') ?? null }));
  return app;
}

async function call(app: Hono<HonoAuthEnv>, path: string, authorization?: string) {
  const res = await app.request(path, { headers: authorization === undefined ? {} : { authorization } });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    challenge: res.headers.get('www-authenticate'),
    body: (await res.json()) as unknown,
  };
}

describe('createHonoMiddleware with a real Hono 4 app', () => {
  it('lets a valid token through with c.get("auth") set to the claims', async () => {
    const app = buildApp();
    assert.deepEqual(await call(app, '/me', `Bearer ${token(keys().ES256)}`), {
      status: 200,
      type: 'application/json',
      challenge: null,
      body: { sub: 'usr_7f3a', role: 'admin' },
    });
    assert.deepEqual(
      (await call(app, '/open', `Bearer ${token(keys().ES256)}`)).body,
      { auth: null },
      'only behind the middleware',
    );
  });

  it('answers no token 401 invalid_token with a challenge without error (RFC 6750 §3)', async () => {
    const rejected: string[] = [];
    const app = buildApp(rejected);
    const bare = { status: 401, type: PROBLEM, challenge: 'Bearer realm="bulwark"', body: INVALID };
    assert.deepEqual(await call(app, '/me'), bare);
    assert.deepEqual(await call(app, '/me', 'Basic dXNlcjpwYXNz'), bare);
    assert.deepEqual(rejected, ['missing', 'missing'], 'onRejected hears why');
  });

  it('answers a bad token 401 invalid_token with error="invalid_token"', async () => {
    const app = buildApp();
    const jwt = token(keys().ES256);
    for (const authorization of [
      'Bearer not-a-jwt',
      `Bearer ${jwt.slice(0, -4)}AAAA`,
      `Bearer ${token(keys().ES256, { alg: 'none' })}`,
      'Bearer ',
      `Bearer ${jwt}, Bearer ${jwt}`,
    ]) {
      const answer = await call(app, '/me', authorization);
      assert.deepEqual(
        answer,
        { status: 401, type: PROBLEM, challenge: 'Bearer realm="bulwark", error="invalid_token"', body: INVALID },
        authorization,
      );
      assert.ok(!JSON.stringify(answer).includes(jwt.split('.')[1] as string), 'the token is never echoed');
    }
  });

  it('answers an expired token 401 token_expired', async () => {
    assert.deepEqual(await call(buildApp(), '/me', `Bearer ${token(keys().ES256, {}, { exp: 1_000_000 })}`), {
      status: 401,
      type: PROBLEM,
      challenge: 'Bearer realm="bulwark", error="invalid_token", error_description="The access token expired"',
      body: EXPIRED,
    });
  });

  it('answers a role mismatch 403 insufficient_scope, and a missing scope 403 with scope="…"', async () => {
    const app = buildApp();
    assert.deepEqual(await call(app, '/clerk', `Bearer ${token(keys().ES256)}`), {
      status: 403,
      type: PROBLEM,
      challenge: 'Bearer realm="bulwark", error="insufficient_scope"',
      body: forbidden('Your role may not do this.'),
    });
    assert.deepEqual(await call(app, '/pay', `Bearer ${token(keys().ES256)}`), {
      status: 403,
      type: PROBLEM,
      challenge: 'Bearer realm="bulwark", error="insufficient_scope", scope="payroll:read payroll:pay"',
      body: forbidden('The access token lacks a required scope.'),
    });
    assert.equal(
      (await call(app, '/pay', `Bearer ${token(keys().ES256, {}, { scope: 'payroll:pay payroll:read' })}`)).status,
      200,
    );
  });

  it('verifies a token whose kid the remote JWKS publishes only now (verifyAsync refetch)', async () => {
    const server = await startJwksServer(serveJwks(jwksOf('ES256')));
    const sources: RemoteJwksSource[] = [];
    try {
      const time = clock();
      const source = sourceFor(server, sources, { now: time.now });
      await source.ready();
      const app = new Hono<HonoAuthEnv>();
      app.get('/me', createHonoMiddleware(verifier({ keys: source })), (c) => c.json({ sub: c.var.auth.sub }));
      server.handle = serveJwks(jwksOf('ES256', 'EdDSA'));
      time.advance(REMOTE_JWKS_DEFAULTS.cooldownMs);
      assert.deepEqual(await call(app, '/me', `Bearer ${token(keys().EdDSA)}`), {
        status: 200,
        type: 'application/json',
        challenge: null,
        body: { sub: 'usr_7f3a' },
      });
      assert.equal(server.requests, 2, 'one refetch for the new kid');
    } finally {
      for (const source of sources) source.close();
      await server.close();
    }
  });

  it("rethrows errors that are not the guard's own to the app's onError, and refuses bad options", async () => {
    const broken = { verify: () => ({}), verifyAsync: () => Promise.reject(new Error('bug: secret detail')) } as never;
    const app = new Hono<HonoAuthEnv>();
    app.onError((error, c) => c.json({ handledBy: 'app', message: error.message }, 500));
    app.get('/me', createHonoMiddleware(broken), (c) => c.json({ ok: true }));
    assert.deepEqual(await call(app, '/me', 'Bearer x'), {
      status: 500,
      type: 'application/json',
      challenge: null,
      body: { handledBy: 'app', message: 'bug: secret detail' },
    });
    assert.throws(() => createHonoMiddleware(verifier(), { roles: [] }), TypeError);
    assert.throws(() => createHonoMiddleware(verifier(), { scopes: ['a"b'] }), /scope-tokens/);
    assert.throws(() => createHonoMiddleware({ verify: () => ({}) } as never), /verifyAsync/);
    assert.throws(() => createHonoMiddleware(verifier(), { onRejected: 'log' as never }), TypeError);
  });
});
