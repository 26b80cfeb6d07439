import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { BulwarkError } from '../../src/bulwark-error.js';
import { extractBearerToken } from '../../src/http/bearer.js';
import { InvalidTokenError } from '../../src/errors.js';
import { bulwarkGuard } from '../../src/adapters/fastify.js';
import { keys, token, verifier } from '../helpers.js';

/** Stands in for the app's error mapper: echoes code and reason so tests can assert them. */
async function buildApp(): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(bulwarkGuard, { verifier: verifier(), onError: 'throw' });
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof BulwarkError) {
      return reply
        .status(error.status)
        .send({ code: error.code, reason: (error as { reason?: string }).reason ?? null });
    }
    return reply.status(500).send({ code: 'internal', message: String(error) });
  });
  app.get('/open', async (request) => ({ auth: request.auth }));
  app.get('/me', { onRequest: app.requireAuth() }, async (request) => ({ sub: request.auth?.sub }));
  app.get('/admin', { onRequest: app.requireAuth({ roles: ['admin'] }) }, async () => ({ ok: true }));
  app.get('/clerk', { preHandler: app.requireRole('clerk', 'employee') }, async () => ({ ok: true }));
  app.get('/write', { onRequest: app.requireAuth({ scopes: ['payroll:write', 'payroll:read'] }) }, async () => ({
    ok: true,
  }));
  app.get('/pay', { onRequest: app.requireAuth({ scopes: ['payroll:pay'] }) }, async () => ({ ok: true }));
  await app.ready();
  return app;
}

describe('extractBearerToken', () => {
  const reasonOf = (header: string | undefined) => {
    try {
      return extractBearerToken(header);
    } catch (error) {
      assert.ok(error instanceof InvalidTokenError);
      return error.reason;
    }
  };

  it('returns exactly one credential after the case-insensitive Bearer scheme', () => {
    assert.equal(reasonOf('Bearer abc.def.ghi'), 'abc.def.ghi');
    assert.equal(reasonOf('BEARER x'), 'x');
    for (const header of [undefined, '', 'Basic abc', 'Bearerx abc', 'Bear abc'])
      assert.equal(reasonOf(header), 'missing', header);
    // The scheme token ends at the first non-tchar: "Bearer\t…" and "Bearer:…" are Bearer, badly sent.
    for (const header of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer  a', 'Bearer\tabc', 'Bearer:abc', 'bearer,abc']) {
      assert.equal(reasonOf(header), 'malformed', header);
    }
    assert.equal(reasonOf('Bearer-x abc'), 'missing', 'another scheme');
    // Two Authorization headers are two credentials, whatever the first (the one node keeps) says.
    assert.throws(
      () => extractBearerToken('Basic x', ['Authorization', 'Basic x', 'authorization', 'Bearer y']),
      (e) => e instanceof InvalidTokenError && e.reason === 'malformed',
    );
    assert.equal(extractBearerToken('Bearer y', ['Host', 'a', 'Authorization', 'Bearer y']), 'y');
  });
});

describe('bulwark-guard Fastify plugin', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await buildApp();
  });
  after(() => app.close());

  const get = async (url: string, authorization?: string) => {
    const res = await app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };

  it('sets request.auth to the verified claims (scheme is case-insensitive)', async () => {
    const jwt = token(keys().ES256);
    assert.deepEqual(await get('/me', `Bearer ${jwt}`), { status: 200, body: { sub: 'usr_7f3a' } });
    assert.deepEqual(await get('/me', `bEaReR ${jwt}`), { status: 200, body: { sub: 'usr_7f3a' } });
  });

  it('leaves request.auth null on routes without the hook', async () => {
    assert.deepEqual(await get('/open', `Bearer ${token(keys().ES256)}`), { status: 200, body: { auth: null } });
  });

  it('throws invalid_token/missing without a bearer credential', async () => {
    for (const header of [undefined, '', 'Basic dXNlcjpwYXNz', 'Token abc']) {
      assert.deepEqual(
        await get('/me', header),
        { status: 401, body: { code: 'invalid_token', reason: 'missing' } },
        String(header),
      );
    }
  });

  it('throws invalid_token/malformed for a Bearer header without exactly one credential', async () => {
    const jwt = token(keys().ES256);
    for (const header of ['Bearer', 'Bearer ', `Bearer ${jwt} extra`, `Bearer  ${jwt}`]) {
      assert.deepEqual(
        await get('/me', header),
        { status: 401, body: { code: 'invalid_token', reason: 'malformed' } },
        header,
      );
    }
  });

  it('passes verification errors through, token_expired included', async () => {
    const expired = token(keys().ES256, {}, { exp: 1_000_000 });
    assert.deepEqual(await get('/me', `Bearer ${expired}`), {
      status: 401,
      body: { code: 'token_expired', reason: 'expired' },
    });
    const forged = token(keys().ES256, { alg: 'none' });
    assert.deepEqual(await get('/me', `Bearer ${forged}`), {
      status: 401,
      body: { code: 'invalid_token', reason: 'alg_not_allowed' },
    });
  });

  it('enforces roles with ForbiddenError', async () => {
    const admin = `Bearer ${token(keys().ES256)}`;
    const clerk = `Bearer ${token(keys().ES256, {}, { role: 'clerk' })}`;
    const none = `Bearer ${token(keys().ES256, {}, { role: undefined })}`;
    assert.equal((await get('/admin', admin)).status, 200);
    assert.deepEqual(await get('/admin', clerk), { status: 403, body: { code: 'forbidden', reason: null } });
    assert.equal((await get('/admin', none)).status, 403);
    assert.equal((await get('/clerk', clerk)).status, 200);
    assert.equal((await get('/clerk', admin)).status, 403);
  });

  it('enforces that every listed scope is granted', async () => {
    const rw = `Bearer ${token(keys().ES256)}`;
    const ro = `Bearer ${token(keys().ES256, {}, { scope: 'payroll:read' })}`;
    const prefix = `Bearer ${token(keys().ES256, {}, { scope: 'payroll:writer payroll:read' })}`;
    assert.equal((await get('/write', rw)).status, 200);
    assert.equal((await get('/pay', rw)).status, 403);
    assert.equal((await get('/write', ro)).status, 403);
    assert.equal((await get('/write', prefix)).status, 403);
  });

  it('refuses to build a hook with an empty role or scope list', () => {
    assert.throws(() => app.requireAuth({ roles: [] }), TypeError);
    assert.throws(() => app.requireAuth({ scopes: [''] }), TypeError);
  });
});
