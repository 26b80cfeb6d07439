import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { ForbiddenError } from '../../src/errors/http.js';
import {
  InsufficientScopeError,
  InvalidTokenError,
  JwksFetchError,
  TokenExpiredError,
} from '../../packages/guard/src/errors.js';
import { errorAnswer } from '../../packages/guard/src/http/problem.js';
import { registerErrorMapper, toProblem } from '../../src/http/error-mapper.js';

/**
 * The guard's node:http middleware answers errors itself with a copy of the app's shapes (the
 * guard must not import src/http). Regression guard: the copy must stay equal to the original.
 */
describe('guard problem answers equal the app error mapper', () => {
  const errors = [
    new InvalidTokenError('signature_invalid'),
    new InvalidTokenError('missing'),
    new TokenExpiredError(),
    new ForbiddenError('role not permitted', { detail: 'Your role may not do this.' }),
    new ForbiddenError('no detail'),
    new InsufficientScopeError('payroll:read payroll:pay'),
    new JwksFetchError('https://auth.example/jwks', 'HTTP 500'),
  ];

  it('same problem+json body', () => {
    for (const error of errors) assert.deepEqual(errorAnswer(error)?.body, toProblem(error), error.message);
  });

  it('same status, content type and WWW-Authenticate over HTTP', async () => {
    const app = Fastify();
    registerErrorMapper(app);
    app.get('/:i', async (request) => {
      throw errors[Number((request.params as { i: string }).i)];
    });
    try {
      for (const [i, error] of errors.entries()) {
        const res = await app.inject({ method: 'GET', url: `/${i}` });
        const ours = errorAnswer(error);
        assert.ok(ours !== null);
        assert.equal(ours.status, res.statusCode, error.message);
        assert.equal(ours.headers['content-type'], res.headers['content-type'], error.message);
        assert.equal(ours.headers['www-authenticate'], res.headers['www-authenticate'], error.message);
        assert.deepEqual(ours.body, res.json(), error.message);
      }
    } finally {
      await app.close();
    }
  });

  it('is null for errors that are not Bulwark errors (the caller decides)', () => {
    assert.equal(errorAnswer(new Error('boom')), null);
  });
});
