import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHarness, type Harness } from '../helpers/harness.js';

/** Issue #14: at info the product's own app writes exactly one line per request, none for probes. */
describe('the app log at info: one line per request', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  const linesOf = (requestId: string) =>
    h.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.req_id === requestId || l.reqId === requestId);

  it('a refused request: one line with route, status, duration, code and the reason, and the id echoed', async () => {
    const response = await h.app.inject({
      method: 'GET',
      url: '/api/users/me',
      headers: { authorization: 'Bearer not.a.token', 'x-request-id': 'req-rejected-1' },
    });
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['x-request-id'], 'req-rejected-1');
    const lines = linesOf('req-rejected-1');
    assert.equal(lines.length, 1, JSON.stringify(lines));
    assert.deepEqual(
      { ...lines[0], time: undefined, pid: undefined, hostname: undefined, ms: undefined },
      {
        level: 30,
        time: undefined,
        pid: undefined,
        hostname: undefined,
        ms: undefined,
        req_id: 'req-rejected-1',
        method: 'GET',
        route: '/api/users/me',
        status: 401,
        code: 'invalid_token',
        reason: 'malformed',
        msg: 'request',
      },
    );
    assert.equal(typeof lines[0]?.ms, 'number');
  });

  it('a health probe writes nothing at info', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'probe-1' } });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(linesOf('probe-1'), []);
  });
});
