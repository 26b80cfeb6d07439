import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { HTTP_LIMITS, SERVER_TIMEOUTS } from '../../src/http/limits.js';
import { createLogger } from '../../src/http/logger.js';
import { jsonShapeProblem } from '../../src/http/request-limits.js';
import { bearer, createHarness, problemOf, type Harness } from '../helpers/harness.js';

interface RawAnswer {
  status: number;
  headers: string;
  body: string;
  ms: number;
}

/** Writes raw bytes to a listening app and collects whatever comes back until the server closes. */
function raw(port: number, chunks: string[], { end = true } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (data += d));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, headers: head, body, ms: Date.now() - started });
    });
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      if (end) socket.end();
    });
  });
}

function rawProblem(answer: RawAnswer): { status: number; code: string; detail?: string } {
  assert.match(answer.headers, /content-type: application\/problem\+json/i, answer.headers);
  const body = JSON.parse(answer.body) as { status: number; code: string; detail?: string };
  assert.equal(body.status, answer.status);
  return body;
}

describe('request limits: every excess is a problem+json 4xx', () => {
  let h: Harness;
  let token: string;
  let port: number;
  before(async () => {
    h = await createHarness();
    const alice = await h.addUser('alice', 'admin');
    token = (await h.login('alice', alice.password)).access_token;
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    port = (h.app.server.address() as { port: number }).port;
  });
  after(() => h.close());

  it('refuses a body over 64 KiB with 413 payload_too_large', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'alice', password: 'x'.repeat(HTTP_LIMITS.bodyBytes) }),
    });
    assert.equal(response.statusCode, 413);
    assert.equal(problemOf(response).code, 'payload_too_large');
  });

  it('refuses JSON nested deeper than 32 levels with 400 invalid_request, without quoting the body', async () => {
    const deep = '{"username":"alice","password":' + '['.repeat(40) + '"SECRET-PASSWORD"' + ']'.repeat(40) + '}';
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      headers: { 'content-type': 'application/json' },
      payload: deep,
    });
    assert.equal(response.statusCode, 400);
    const body = problemOf(response);
    assert.equal(body.code, 'invalid_request');
    assert.match(body.detail ?? '', /nested more than 32/);
    assert.ok(!response.body.includes('SECRET-PASSWORD'));
    // 32 levels is still parsed (and then refused by the schema, not by the parser).
    const ok = '{"username":"alice","password":' + '['.repeat(31) + ']'.repeat(31) + '}';
    const shallow = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      headers: { 'content-type': 'application/json' },
      payload: ok,
    });
    assert.equal(shallow.statusCode, 400);
    assert.doesNotMatch(problemOf(shallow).detail ?? '', /nested/);
  });

  it('refuses a JSON body with more than 1,000 object members with 400 invalid_request', async () => {
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 1_001 }, (_, i) => [`k${i}`, i])));
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      headers: { 'content-type': 'application/json' },
      payload: wide,
    });
    assert.equal(response.statusCode, 400);
    assert.equal(problemOf(response).code, 'invalid_request');
    assert.match(problemOf(response).detail ?? '', /more than 1000 object members/);
  });

  it('counts structure only outside strings, and still refuses prototype poisoning', async () => {
    assert.equal(jsonShapeProblem(JSON.stringify({ a: '[[[[{{{{:::\\"' })), undefined);
    assert.equal(jsonShapeProblem('['.repeat(3), 2), 'The request body is nested more than 2 levels deep.');
    assert.equal(jsonShapeProblem('{"a":1,"b":"x:y","c":2}', 32, 3), undefined);
    assert.ok(jsonShapeProblem('{"a":1,"b":2,"c":3,"d":4}', 32, 3));
    const poisoned = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":"a","password":"b","__proto__":{"admin":true}}',
    });
    assert.equal(poisoned.statusCode, 400);
    assert.equal(problemOf(poisoned).code, 'invalid_request');
    const broken = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      headers: { 'content-type': 'application/json' },
      payload: '{"password":"SECRET-PASSWORD"',
    });
    assert.equal(broken.statusCode, 400);
    assert.ok(!broken.body.includes('SECRET-PASSWORD'));
  });

  it('answers a bearer token over 8 KiB with 401 invalid_token', async () => {
    const response = await h.app.inject({ url: '/api/users/me', headers: bearer(`${token}${'A'.repeat(8_200)}`) });
    assert.equal(response.statusCode, 401);
    assert.equal(problemOf(response).code, 'invalid_token');
    assert.match(String(response.headers['www-authenticate']), /error="invalid_token"/);
  });

  it('refuses unknown query parameters, limit over 100 and cursors over 256 characters with 400', async () => {
    assert.equal((await h.app.inject({ url: '/api/employees?limit=100', headers: bearer(token) })).statusCode, 200);
    for (const query of ['debug=1', 'limit=101', 'limit=0', `cursor=${'c'.repeat(257)}`]) {
      const response = await h.app.inject({ url: `/api/employees?${query}`, headers: bearer(token) });
      assert.equal(response.statusCode, 400, query);
      assert.equal(problemOf(response).code, 'invalid_request');
    }
  });

  it('refuses a request target over 8 KiB with 414 uri_too_long', async () => {
    const long = `/api/employees?cursor=${'c'.repeat(HTTP_LIMITS.urlBytes)}`;
    const response = await h.app.inject({ url: long, headers: bearer(token) });
    assert.equal(response.statusCode, 414);
    const body = problemOf(response);
    assert.equal(body.code, 'uri_too_long');
    assert.equal(body.title, 'URI Too Long');
    assert.equal((await h.app.inject({ url: `/${'p'.repeat(9_000)}` })).statusCode, 414);
    // Over a real socket too.
    const answer = await raw(port, [`GET ${long} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`]);
    assert.equal(answer.status, 414);
    assert.equal(rawProblem(answer).code, 'uri_too_long');
  });

  it('answers a header section over 16 KiB with 431 problem+json and closes the connection', async () => {
    const answer = await raw(port, [
      `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${'f'.repeat(HTTP_LIMITS.headerBytes)}\r\n\r\n`,
    ]);
    assert.equal(answer.status, 431);
    assert.equal(rawProblem(answer).code, 'header_too_large');
    // Just under the limit is served.
    const fine = await raw(port, [
      `GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Filler: ${'f'.repeat(8_000)}\r\n\r\n`,
    ]);
    assert.equal(fine.status, 200);
  });

  it('answers unparsable HTTP with 400 problem+json', async () => {
    const answer = await raw(port, ['GARBAGE\r\n\r\n']);
    assert.equal(answer.status, 400);
    assert.equal(rawProblem(answer).code, 'invalid_request');
  });

  it('the 400 reaches a client that is still sending a large body (the close does not reset it away)', async () => {
    for (let i = 0; i < 20; i += 1) {
      const answer = await raw(port, [
        `HEAD /api/payments?=\u00f0 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n`,
        `{"a":"${'a'.repeat(1_999_990)}"}`,
      ]);
      assert.equal(answer.status, 400, `attempt ${i}: ${answer.headers}`);
      assert.equal(rawProblem(answer).code, 'invalid_request');
    }
  });
});

describe('slow clients (slowloris)', () => {
  let app: FastifyInstance;
  let port: number;
  let h: Harness;
  before(async () => {
    h = await createHarness();
    app = await buildApp(
      {
        config: h.config,
        verifier: h.services.verifier,
        checkReady: async () => ({}),
        writeLimit: h.services.throttles.write,
      },
      { logger: createLogger('silent'), modules: [], timeouts: { requestMs: 600, checkIntervalMs: 100 } },
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  after(async () => {
    await app.close();
    await h.close();
  });

  it('has sensible production defaults', () => {
    assert.equal(SERVER_TIMEOUTS.requestMs, 10_000);
    assert.equal(SERVER_TIMEOUTS.keepAliveMs, 5_000);
    assert.ok(SERVER_TIMEOUTS.idleMs >= SERVER_TIMEOUTS.requestMs);
  });

  it('answers a request whose headers never finish with 408 problem+json, then closes', async () => {
    const answer = await raw(port, ['GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: '], { end: false });
    assert.equal(answer.status, 408);
    assert.equal(rawProblem(answer).code, 'request_timeout');
    assert.ok(answer.ms < 5_000, `closed after ${answer.ms} ms`);
  });

  it('answers a body that never finishes with 408 as well', async () => {
    const answer = await raw(
      port,
      [
        'POST /api/nothing HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
      ],
      { end: false },
    );
    assert.ok(answer.ms < 5_000, `closed after ${answer.ms} ms`);
    assert.equal(answer.status, 408);
    assert.equal(rawProblem(answer).code, 'request_timeout');
  });
});
