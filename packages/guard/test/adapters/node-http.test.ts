import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createAuthMiddleware, type AuthenticatedRequest } from '../../src/adapters/node-http.js';
import { keys, token, verifier } from '../helpers.js';

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
const CHALLENGE = 'Bearer realm="bulwark", error="invalid_token"';
/** RFC 6750 §3: a request without any bearer credential gets no error code (issue #12). */
const BARE_CHALLENGE = 'Bearer realm="bulwark"';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function get(base: string, path: string, jwt?: string) {
  const res = await fetch(`${base}${path}`, { headers: jwt === undefined ? {} : { authorization: `Bearer ${jwt}` } });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    challenge: res.headers.get('www-authenticate'),
    body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : text,
  };
}

describe('createAuthMiddleware with Express 5', () => {
  let server: Server;
  let base: string;
  const seen: unknown[] = [];
  before(async () => {
    const v = verifier();
    const app = express();
    app.set('env', 'test'); // finalhandler: no stack traces on stderr
    const me = (req: Request, res: Response) => {
      res.json({ sub: (req as AuthenticatedRequest<Request>).auth.sub });
    };
    app.get('/me', createAuthMiddleware(v), me);
    app.get('/admin', createAuthMiddleware(v, { roles: ['admin'] }), me);
    app.get('/clerk', createAuthMiddleware(v, { roles: ['clerk'] }), me);
    app.get('/pay', createAuthMiddleware(v, { scopes: ['payroll:pay'] }), me);
    app.get('/next', createAuthMiddleware(v, { onError: 'next' }), me);
    app.get('/next-clerk', createAuthMiddleware(v, { onError: 'next', roles: ['clerk'] }), me);
    app.get('/custom', createAuthMiddleware(v, { onError: 'next' }), me);
    app.use('/custom', (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      seen.push(error);
      res.status((error as { statusCode: number }).statusCode).json({ handledBy: 'app' });
    });
    server = createServer(app);
    base = await listen(server);
  });
  after(() => close(server));

  it('lets a valid token through with req.auth set', async () => {
    const jwt = token(keys().ES256);
    assert.deepEqual(await get(base, '/me', jwt), {
      status: 200,
      type: 'application/json; charset=utf-8',
      challenge: null,
      body: { sub: 'usr_7f3a' },
    });
    assert.equal((await get(base, '/admin', jwt)).status, 200);
  });

  it('answers an invalid token 401 problem+json with the RFC 6750 challenge', async () => {
    const forged = `${token(keys().ES256).slice(0, -4)}AAAA`;
    for (const jwt of ['not-a-jwt', forged, token(keys().ES256, { alg: 'none' })]) {
      assert.deepEqual(
        await get(base, '/me', jwt),
        { status: 401, type: 'application/problem+json; charset=utf-8', challenge: CHALLENGE, body: INVALID },
        String(jwt),
      );
    }
  });

  it('answers a request without a bearer token 401 invalid_token with a challenge without error (RFC 6750 §3)', async () => {
    assert.deepEqual(await get(base, '/me'), {
      status: 401,
      type: 'application/problem+json; charset=utf-8',
      challenge: BARE_CHALLENGE,
      body: INVALID,
    });
    const basic = await fetch(`${base}/me`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    assert.equal(basic.status, 401);
    assert.equal(
      basic.headers.get('www-authenticate'),
      BARE_CHALLENGE,
      'another scheme is no bearer credential either',
    );
    // A Bearer header without a credential did try a token: that is invalid_token.
    const empty = await fetch(`${base}/me`, { headers: { authorization: 'Bearer ' } });
    assert.equal(empty.headers.get('www-authenticate'), CHALLENGE);
  });

  it('answers an expired token 401 token_expired with error_description', async () => {
    const expired = token(keys().ES256, {}, { exp: 1_000_000 });
    assert.deepEqual(await get(base, '/me', expired), {
      status: 401,
      type: 'application/problem+json; charset=utf-8',
      challenge: `${CHALLENGE}, error_description="The access token expired"`,
      body: EXPIRED,
    });
  });

  it('answers a wrong role or a missing scope 403 forbidden with insufficient_scope (and scope= for the scope)', async () => {
    const jwt = token(keys().ES256);
    const forbidden = (detail: string, challenge: string) => ({
      status: 403,
      type: 'application/problem+json; charset=utf-8',
      challenge,
      body: { type: 'urn:bulwark:problem:forbidden', title: 'Forbidden', status: 403, code: 'forbidden', detail },
    });
    assert.deepEqual(
      await get(base, '/clerk', jwt),
      forbidden('Your role may not do this.', 'Bearer realm="bulwark", error="insufficient_scope"'),
    );
    assert.deepEqual(
      await get(base, '/pay', jwt),
      forbidden(
        'The access token lacks a required scope.',
        'Bearer realm="bulwark", error="insufficient_scope", scope="payroll:pay"',
      ),
    );
  });

  it("with onError 'next', Express's default handler answers 401/403 (statusCode), not 500", async () => {
    assert.equal((await get(base, '/next')).status, 401);
    assert.equal((await get(base, '/next', token(keys().ES256, {}, { exp: 1_000_000 }))).status, 401);
    assert.equal((await get(base, '/next', token(keys().ES256))).status, 200);
    assert.equal((await get(base, '/next-clerk', token(keys().ES256))).status, 403);
    assert.deepEqual((await get(base, '/custom', 'junk')).body, { handledBy: 'app' });
    assert.equal((seen[0] as { code?: string }).code, 'invalid_token');
    assert.equal((seen[0] as { reason?: string }).reason, 'malformed');
  });

  it('refuses bad options at set-up', () => {
    assert.throws(() => createAuthMiddleware(verifier(), { roles: [] }), TypeError);
    // Scope names go into the challenge's quoted scope="…": no quote, backslash or space.
    for (const bad of ['a"b', 'a\\b', 'a b', 'é'])
      assert.throws(() => createAuthMiddleware(verifier(), { scopes: [bad] }), /scope-tokens/, bad);
    assert.throws(() => createAuthMiddleware(verifier(), { onError: 'throw' as never }), TypeError);
    assert.throws(() => createAuthMiddleware({ verify: () => ({}) } as never), /verifyAsync/);
  });
});

describe('createAuthMiddleware with plain node:http', () => {
  let server: Server;
  let base: string;
  const rejected: string[] = [];
  before(async () => {
    const auth = createAuthMiddleware(verifier(), {
      roles: ['admin'],
      onRejected: (error) => rejected.push((error as { reason?: string }).reason ?? 'forbidden'),
    });
    server = createServer((req, res) => {
      void auth(req, res).then((ok) => {
        if (ok) res.end(JSON.stringify({ sub: (req as AuthenticatedRequest).auth.sub }));
      });
    });
    base = await listen(server);
  });
  after(() => close(server));

  it('resolves true and sets req.auth, or answers the problem itself', async () => {
    assert.deepEqual((await get(base, '/', token(keys().EdDSA))).body, { sub: 'usr_7f3a' });
    const refused = await get(base, '/', token(keys().EdDSA, {}, { role: 'clerk' }));
    assert.equal(refused.status, 403);
    assert.equal(refused.challenge, 'Bearer realm="bulwark", error="insufficient_scope"');
    assert.deepEqual(await get(base, '/'), {
      status: 401,
      type: 'application/problem+json; charset=utf-8',
      challenge: BARE_CHALLENGE,
      body: INVALID,
    });
    assert.deepEqual(rejected, ['forbidden', 'missing'], 'onRejected hears why, for server-side logs');
  });

  it('calls next() when given one, and answers 500 problem for a non-guard error without next', async () => {
    const broken = { verify: () => ({}), verifyAsync: () => Promise.reject(new Error('bug: secret detail')) } as never;
    const auth = createAuthMiddleware(broken);
    const plain = createServer((req, res) => void auth(req, res));
    const url = await listen(plain);
    try {
      const res = await get(url, '/', 'x');
      assert.deepEqual(res.body, {
        type: 'urn:bulwark:problem:internal_error',
        title: 'Internal Server Error',
        status: 500,
        code: 'internal_error',
        detail: 'The server could not complete the request.',
      });
    } finally {
      await close(plain);
    }
    const calls: unknown[] = [];
    const ok = await createAuthMiddleware(verifier())(
      { headers: { authorization: `Bearer ${token(keys().ES256)}` } } as never,
      {} as never,
      (e) => calls.push(e),
    );
    assert.equal(ok, true);
    assert.deepEqual(calls, [undefined]);
  });
});
