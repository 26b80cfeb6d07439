import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { Hono } from 'hono';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bulwarkGuard } from '../../src/adapters/fastify.js';
import { createHonoMiddleware, type HonoAuthEnv } from '../../src/adapters/hono.js';
import { createAuthMiddleware } from '../../src/adapters/node-http.js';
import { LocalKeySource } from '../../src/jwks/local-key-source.js';
import { keys, token, toVerificationKey, verifier } from '../helpers.js';

interface Answer {
  status: number;
  type: string | null;
  challenge: string | null;
  body: unknown;
}

const INVALID = {
  type: 'urn:bulwark:problem:invalid_token',
  title: 'Unauthorized',
  status: 401,
  code: 'invalid_token',
  detail: 'The access token is missing, invalid or revoked.',
};
const PROBLEM = 'application/problem+json; charset=utf-8';
const REALM = 'Bearer realm="bulwark"';

/**
 * A Fastify service outside Bulwark (no error mapper of its own) answers every refusal exactly as
 * the Express and Hono adapters do: problem+json, the RFC 6750 challenge, no rejection reason.
 */
describe('the Fastify plugin answers refusals by itself, as Express and Hono do', () => {
  const v = verifier({ algorithms: ['ES256', 'EdDSA', 'RS256', 'PS256'] });
  const rejected: string[] = [];
  let fastify: FastifyInstance;
  let server: Server;
  let expressBase: string;
  const hono = new Hono<HonoAuthEnv>();

  before(async () => {
    fastify = Fastify();
    await fastify.register(bulwarkGuard, {
      verifier: v,
      onRejected: (error) => rejected.push((error as { reason?: string }).reason ?? 'forbidden'),
    });
    fastify.get('/me', { onRequest: fastify.requireAuth() }, async (request) => ({ sub: request.auth?.sub }));
    fastify.get('/clerk', { onRequest: fastify.requireRole('clerk') }, async () => ({ ok: true }));
    fastify.get('/pay', { onRequest: fastify.requireAuth({ scopes: ['payroll:pay'] }) }, async () => ({ ok: true }));
    await fastify.ready();

    const app = express();
    app.get(
      '/me',
      createAuthMiddleware(v),
      (req, res) => void res.json({ sub: (req as unknown as { auth: { sub: string } }).auth.sub }),
    );
    app.get('/clerk', createAuthMiddleware(v, { roles: ['clerk'] }), (_req, res) => void res.json({ ok: true }));
    app.get('/pay', createAuthMiddleware(v, { scopes: ['payroll:pay'] }), (_req, res) => void res.json({ ok: true }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    expressBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    hono.get('/me', createHonoMiddleware(v), (c) => c.json({ sub: c.var.auth.sub }));
    hono.get('/clerk', createHonoMiddleware(v, { roles: ['clerk'] }), (c) => c.json({ ok: true }));
    hono.get('/pay', createHonoMiddleware(v, { scopes: ['payroll:pay'] }), (c) => c.json({ ok: true }));
  });
  after(async () => {
    await fastify.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const headers = (authorization?: string): Record<string, string> =>
    authorization === undefined ? {} : { authorization };
  const viaFastify = async (path: string, authorization?: string): Promise<Answer> => {
    const res = await fastify.inject({ method: 'GET', url: path, headers: headers(authorization) });
    return {
      status: res.statusCode,
      type: res.headers['content-type'] as string,
      challenge: (res.headers['www-authenticate'] as string | undefined) ?? null,
      body: res.json(),
    };
  };
  const viaFetch = async (res: Response): Promise<Answer> => ({
    status: res.status,
    type: res.headers.get('content-type'),
    challenge: res.headers.get('www-authenticate'),
    body: await res.json(),
  });
  const viaExpress = async (path: string, authorization?: string) =>
    viaFetch(await fetch(`${expressBase}${path}`, { headers: headers(authorization) }));
  const viaHono = async (path: string, authorization?: string) =>
    viaFetch(await hono.request(path, { headers: headers(authorization) }));

  const jwt = token(keys().ES256);
  const cases: Array<[string, string, string | undefined, Answer]> = [
    ['no token', '/me', undefined, { status: 401, type: PROBLEM, challenge: REALM, body: INVALID }],
    ['another scheme', '/me', 'Basic dXNlcjpwYXNz', { status: 401, type: PROBLEM, challenge: REALM, body: INVALID }],
    [
      'a tampered token',
      '/me',
      `Bearer ${jwt.slice(0, -4)}AAAA`,
      { status: 401, type: PROBLEM, challenge: `${REALM}, error="invalid_token"`, body: INVALID },
    ],
    [
      'an algorithm not allowed',
      '/me',
      `Bearer ${token(keys().HS256)}`,
      { status: 401, type: PROBLEM, challenge: `${REALM}, error="invalid_token"`, body: INVALID },
    ],
    [
      'alg none',
      '/me',
      `Bearer ${token(keys().ES256, { alg: 'none' })}`,
      { status: 401, type: PROBLEM, challenge: `${REALM}, error="invalid_token"`, body: INVALID },
    ],
    [
      'an expired token',
      '/me',
      `Bearer ${token(keys().ES256, {}, { exp: 1_000_000 })}`,
      {
        status: 401,
        type: PROBLEM,
        challenge: `${REALM}, error="invalid_token", error_description="The access token expired"`,
        body: {
          type: 'urn:bulwark:problem:token_expired',
          title: 'Unauthorized',
          status: 401,
          code: 'token_expired',
          detail: 'The access token has expired.',
        },
      },
    ],
    [
      'a wrong role',
      '/clerk',
      `Bearer ${jwt}`,
      {
        status: 403,
        type: PROBLEM,
        challenge: `${REALM}, error="insufficient_scope"`,
        body: {
          type: 'urn:bulwark:problem:forbidden',
          title: 'Forbidden',
          status: 403,
          code: 'forbidden',
          detail: 'Your role may not do this.',
        },
      },
    ],
    [
      'a missing scope',
      '/pay',
      `Bearer ${jwt}`,
      {
        status: 403,
        type: PROBLEM,
        challenge: `${REALM}, error="insufficient_scope", scope="payroll:pay"`,
        body: {
          type: 'urn:bulwark:problem:forbidden',
          title: 'Forbidden',
          status: 403,
          code: 'forbidden',
          detail: 'The access token lacks a required scope.',
        },
      },
    ],
  ];

  for (const [name, path, authorization, expected] of cases) {
    it(`${name}: the same answer from all three`, async () => {
      const fastifyAnswer = await viaFastify(path, authorization);
      assert.deepEqual(fastifyAnswer, expected, 'fastify');
      assert.deepEqual(await viaExpress(path, authorization), expected, 'express');
      assert.deepEqual(await viaHono(path, authorization), expected, 'hono');
      const text = JSON.stringify(fastifyAnswer.body);
      for (const leak of ['alg_not_allowed', 'signature_invalid', 'role not permitted', 'reason', 'statusCode'])
        assert.ok(!text.includes(leak), `${leak} in ${text}`);
    });
  }

  it('lets a valid token through, and onRejected hears the reasons the body never carries', async () => {
    assert.deepEqual((await viaFastify('/me', `Bearer ${jwt}`)).body, { sub: 'usr_7f3a' });
    rejected.length = 0;
    await viaFastify('/me');
    await viaFastify('/me', `Bearer ${token(keys().HS256)}`);
    await viaFastify('/clerk', `Bearer ${jwt}`);
    assert.deepEqual(rejected, ['missing', 'alg_not_allowed', 'forbidden']);
  });

  it('answers on the async path too (an unknown kid the key source may refetch), and still lets a known key through', async () => {
    const known = new LocalKeySource([toVerificationKey(keys().ES256)]);
    let refetches = 0;
    const source = { get: (kid: string) => known.get(kid), refreshForUnknownKid: async () => (refetches++, false) };
    const app = Fastify();
    await app.register(bulwarkGuard, { verifier: verifier({ keys: source }) });
    app.get('/me', { onRequest: app.requireAuth() }, async (request) => ({ sub: request.auth?.sub }));
    try {
      const res = await app.inject({ url: '/me', headers: { authorization: `Bearer ${token(keys().EdDSA)}` } });
      assert.equal(refetches, 1, 'the async path ran');
      assert.deepEqual(
        {
          status: res.statusCode,
          type: res.headers['content-type'],
          challenge: res.headers['www-authenticate'],
          body: res.json(),
        },
        { status: 401, type: PROBLEM, challenge: `${REALM}, error="invalid_token"`, body: INVALID },
      );
      assert.equal(
        (await app.inject({ url: '/me', headers: { authorization: `Bearer ${token(keys().ES256)}` } })).statusCode,
        200,
      );
    } finally {
      await app.close();
    }
  });

  it("refuses an onError other than 'respond' or 'throw' at registration", async () => {
    const app = Fastify();
    await assert.rejects(async () => {
      await app.register(bulwarkGuard, { verifier: v, onError: 'next' as never });
      await app.ready();
    }, /onError must be 'respond' or 'throw'/);
    await app.close();
  });
});
