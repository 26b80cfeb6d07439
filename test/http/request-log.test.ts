import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { LogLevel } from '../../src/config/index.js';
import { NotFoundError } from '../../src/errors/index.js';
import { registerErrorMapper } from '../../src/http/error-mapper.js';
import { createLogger } from '../../src/http/logger.js';
import { installRequestLogging, RequestLogController } from '../../src/http/request-log.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
type Line = Record<string, unknown>;

/** An app as the composition root builds it (logger, error mapper, request logging), on a captured log. */
/** A log destination that parses each line it is given into `lines`. */
function sinkInto(lines: Line[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
}

async function appAt(level: LogLevel): Promise<{ app: FastifyInstance; lines: Line[]; children: () => number }> {
  const lines: Line[] = [];
  const sink = sinkInto(lines);
  const logger = createLogger(level, sink);
  let children = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof child>) => {
    children++;
    return child(...args);
  }) as typeof logger.child;
  const app = Fastify({
    loggerInstance: logger,
    logController: new RequestLogController(),
  }) as unknown as FastifyInstance;
  registerErrorMapper(app);
  installRequestLogging(app);
  app.decorateRequest('auth', null);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/api/things/:id', async (request) => {
    (request as unknown as { auth: { sub: string } }).auth = { sub: 'user-1' };
    const { id } = request.params as { id: string };
    if (id === 'missing') throw new NotFoundError('thing');
    if (id === 'noisy') request.log.warn({ id }, 'something odd');
    return { id };
  });
  await app.ready();
  const atStart = children; // Fastify's own children made while starting
  return { app, lines, children: () => children - atStart };
}

const requestLines = (lines: Line[]) => lines.filter((l) => l.msg === 'request');

describe('request logging', () => {
  it('writes exactly one line per request at info, with route, status, duration, user and request id', async () => {
    const { app, lines } = await appAt('info');
    const response = await app.inject({ url: '/api/things/42?secret=query' });
    assert.equal(response.statusCode, 200);
    assert.equal(lines.length, 1, JSON.stringify(lines));
    const [line] = lines;
    assert.equal(line?.level, 30);
    assert.equal(line?.method, 'GET');
    assert.equal(line?.route, '/api/things/:id', 'the template, never the raw URL with its ids and query');
    assert.equal(line?.status, 200);
    assert.equal(typeof line?.ms, 'number');
    assert.equal(line?.user, 'user-1');
    assert.match(String(line?.req_id), UUID);
    assert.equal(line?.req_id, response.headers['x-request-id']);
    assert.doesNotMatch(JSON.stringify(line), /secret=query/);
  });

  it('writes no line for health probes at info, and one at debug', async () => {
    const info = await appAt('info');
    assert.equal((await info.app.inject({ url: '/healthz' })).statusCode, 200);
    assert.deepEqual(info.lines, []);
    const debug = await appAt('debug');
    await debug.app.inject({ url: '/healthz' });
    assert.equal(requestLines(debug.lines).length, 1);
    assert.equal(requestLines(debug.lines)[0]?.route, '/healthz');
  });

  it('puts the problem code of a refused request on its line', async () => {
    const { app, lines } = await appAt('info');
    const response = await app.inject({ url: '/api/things/missing' });
    assert.equal(response.statusCode, 404);
    const [line] = requestLines(lines);
    assert.equal(line?.status, 404);
    assert.equal(line?.code, 'not_found');
  });

  it('honours and echoes a well-formed X-Request-Id, and ignores a malformed one', async () => {
    const { app, lines } = await appAt('info');
    const given = await app.inject({ url: '/api/things/1', headers: { 'x-request-id': 'lb-7f3a:01.2_x' } });
    assert.equal(given.headers['x-request-id'], 'lb-7f3a:01.2_x');
    assert.equal(requestLines(lines)[0]?.req_id, 'lb-7f3a:01.2_x');
    for (const bad of ['two words', 'a'.repeat(129), 'x\u0000y', '']) {
      const response = await app.inject({ url: '/api/things/1', headers: { 'x-request-id': bad } });
      assert.match(String(response.headers['x-request-id']), UUID, `refused ${JSON.stringify(bad)}`);
    }
  });

  it('takes the trace id of a valid W3C traceparent when there is no X-Request-Id', async () => {
    const { app } = await appAt('warn');
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const traced = await app.inject({
      url: '/api/things/1',
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    assert.equal(traced.headers['x-request-id'], traceId);
    const zero = await app.inject({
      url: '/api/things/1',
      headers: { traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` },
    });
    assert.match(String(zero.headers['x-request-id']), UUID, 'an all-zero trace id is invalid (W3C §3.2.2.3)');
    const both = await app.inject({
      url: '/api/things/1',
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': 'mine' },
    });
    assert.equal(both.headers['x-request-id'], 'mine');
  });

  it('at warn writes nothing for quiet requests and builds no per-request logger for them', async () => {
    const { app, lines, children } = await appAt('warn');
    for (let i = 0; i < 5; i++) assert.equal((await app.inject({ url: `/api/things/${i}` })).statusCode, 200);
    await app.inject({ url: '/api/things/missing' });
    assert.deepEqual(lines, []);
    assert.equal(children(), 0);
  });

  it('a line logged through request.log still carries the request id', async () => {
    const { app, lines, children } = await appAt('warn');
    const response = await app.inject({ url: '/api/things/noisy', headers: { 'x-request-id': 'abc-1' } });
    assert.equal(response.statusCode, 200);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.msg, 'something odd');
    assert.equal(lines[0]?.reqId, 'abc-1');
    assert.equal(lines[0]?.level, 40);
    assert.equal(children(), 1);
  });

  it("redacts a database error's detail, which can quote the row it refused", () => {
    const lines: Line[] = [];
    const sink = sinkInto(lines);
    const error = Object.assign(new Error('null value in column "kind" violates not-null constraint'), {
      code: '23502',
      detail: 'Failing row contains (m-1, https://bulwark.example/reset#token=link-token-1234)',
    });
    createLogger('warn', sink).warn({ err: error }, 'failed after it was answered');
    assert.equal(lines.length, 1);
    const text = JSON.stringify(lines[0]);
    assert.doesNotMatch(text, /link-token-1234|Failing row/);
    assert.match(text, /23502/, 'the error is still identified by its code');
    assert.match(text, /not-null constraint/, 'and by its message');
  });
});
