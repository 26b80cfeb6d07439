import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { bearerChallenge } from '../../packages/guard/src/http/challenge.js';
import {
  ForbiddenError,
  InsufficientScopeError,
  InvalidTokenError,
  TokenExpiredError,
} from '../../packages/guard/src/errors.js';
import { bulwarkGuard } from '../../packages/guard/src/adapters/fastify.js';
import { InvalidCredentialsError } from '../../src/errors/http.js';
import { registerErrorMapper } from '../../src/http/error-mapper.js';
import { keys, NOW, token, verifier } from '../../packages/guard/test/helpers.js';

const REALM = 'Bearer realm="bulwark"';

/** RFC 6750 §3, composed in one place for every adapter (issue #12). */
describe('bearerChallenge', () => {
  const of = (error: { status: number; code: string }) => bearerChallenge(error.status, error.code, error);

  it('no bearer credential: the bare challenge, no error code', () => {
    assert.equal(of(new InvalidTokenError('missing')), REALM);
  });

  it('a refused token: error="invalid_token", an expired one with error_description', () => {
    for (const reason of ['malformed', 'signature_invalid', 'lifetime_exceeded', 'revoked'] as const) {
      assert.equal(of(new InvalidTokenError(reason)), `${REALM}, error="invalid_token"`, reason);
    }
    assert.equal(
      of(new TokenExpiredError()),
      `${REALM}, error="invalid_token", error_description="The access token expired"`,
    );
  });

  it('403: insufficient_scope, with scope="…" only when a scope was missing', () => {
    assert.equal(of(new ForbiddenError('role not permitted')), `${REALM}, error="insufficient_scope"`);
    assert.equal(
      of(new InsufficientScopeError('payroll:read payroll:pay')),
      `${REALM}, error="insufficient_scope", scope="payroll:read payroll:pay"`,
    );
  });

  it('any other 401 carries the bare challenge; other statuses none', () => {
    assert.equal(of(new InvalidCredentialsError()), REALM);
    assert.equal(bearerChallenge(401, 'invalid_grant'), REALM);
    assert.equal(bearerChallenge(400, 'invalid_request'), undefined);
    assert.equal(bearerChallenge(503, 'jwks_unavailable'), undefined);
  });
});

describe('the Fastify plugin (onError: "throw") behind the app error mapper answers the RFC 6750 §3 details', () => {
  let app: FastifyInstance;
  before(async () => {
    app = Fastify();
    registerErrorMapper(app);
    await app.register(bulwarkGuard, { verifier: verifier(), onError: 'throw' });
    app.get('/me', { onRequest: app.requireAuth() }, async () => ({ ok: true }));
    app.get('/clerk', { onRequest: app.requireRole('clerk') }, async () => ({ ok: true }));
    app.get('/pay', { onRequest: app.requireAuth({ scopes: ['payroll:pay'] }) }, async () => ({ ok: true }));
    await app.ready();
  });
  after(() => app.close());

  const get = async (url: string, authorization?: string) => {
    const res = await app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } });
    return {
      status: res.statusCode,
      code: (res.json() as { code?: string }).code,
      challenge: res.headers['www-authenticate'],
    };
  };

  it('no token: 401 invalid_token without error=; a bad one: with it', async () => {
    assert.deepEqual(await get('/me'), { status: 401, code: 'invalid_token', challenge: REALM });
    assert.deepEqual(await get('/me', 'Basic dXNlcjpwYXNz'), { status: 401, code: 'invalid_token', challenge: REALM });
    assert.deepEqual(await get('/me', 'Bearer junk'), {
      status: 401,
      code: 'invalid_token',
      challenge: `${REALM}, error="invalid_token"`,
    });
    const tenYears = token(keys().HS256, {}, { exp: NOW + 10 * 365 * 86_400 });
    assert.deepEqual(await get('/me', `Bearer ${tenYears}`), {
      status: 401,
      code: 'invalid_token',
      challenge: `${REALM}, error="invalid_token"`,
    });
  });

  it('403: insufficient_scope for a role, and scope="…" for a missing scope', async () => {
    const jwt = `Bearer ${token(keys().ES256)}`;
    assert.deepEqual(await get('/clerk', jwt), {
      status: 403,
      code: 'forbidden',
      challenge: `${REALM}, error="insufficient_scope"`,
    });
    assert.deepEqual(await get('/pay', jwt), {
      status: 403,
      code: 'forbidden',
      challenge: `${REALM}, error="insufficient_scope", scope="payroll:pay"`,
    });
  });
});
