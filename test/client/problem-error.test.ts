import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BulwarkProblemError } from '@bulwark/client';
import { parseRetryAfter, problemFromResponse } from '../../packages/client/src/problem-error.js';

describe('problem errors', () => {
  it('reads Retry-After as seconds or as an HTTP-date', () => {
    const now = Date.parse('2026-11-23T09:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120);
    assert.equal(parseRetryAfter('Mon, 23 Nov 2026 09:00:30 GMT', now), 30);
    assert.equal(parseRetryAfter('Mon, 23 Nov 2026 08:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });

  it('keeps every problem member and falls back to the status for other bodies', async () => {
    const problem = await problemFromResponse(
      new Response(
        JSON.stringify({
          type: 'https://bulwark.dev/problems/forbidden',
          title: 'Forbidden',
          status: 403,
          code: 'forbidden',
          detail: 'Admins only.',
        }),
        {
          status: 403,
          headers: { 'content-type': 'application/problem+json' },
        },
      ),
    );
    assert.ok(problem instanceof BulwarkProblemError);
    assert.deepEqual(
      { ...problem, message: problem.message, name: problem.name },
      {
        name: 'BulwarkProblemError',
        message: 'Admins only.',
        status: 403,
        code: 'forbidden',
        title: 'Forbidden',
        type: 'https://bulwark.dev/problems/forbidden',
        detail: 'Admins only.',
        retryAfter: undefined,
      },
    );
    const plain = await problemFromResponse(
      new Response('upstream down', {
        status: 503,
        statusText: 'Service Unavailable',
        headers: { 'retry-after': '5' },
      }),
    );
    assert.deepEqual(
      [plain.status, plain.code, plain.title, plain.type, plain.retryAfter],
      [503, 'http_error', 'Service Unavailable', 'about:blank', 5],
    );
  });
});
