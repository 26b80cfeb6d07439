import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { lazyChildLoggerFactory } from './logger.js';
import { reasonOf, toProblem } from './error-mapper.js';

/** Routes a load balancer polls: no line at info, or the log is mostly probes. */
export const PROBE_ROUTES = new Set(['/healthz', '/readyz']);

/** An id a client or proxy may choose: short, and nothing that could forge a log line or a header. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** W3C Trace Context `traceparent` (version 00 layout); the trace id names the request. */
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;
const ZERO_TRACE = '0'.repeat(32);

/**
 * The request's id: a well-formed incoming X-Request-Id, else the trace id of a valid W3C
 * traceparent, else a fresh UUID. A malformed incoming value is ignored, never echoed.
 */
export function requestIdOf(raw: IncomingMessage): string {
  const given = raw.headers['x-request-id'];
  if (typeof given === 'string' && REQUEST_ID.test(given)) return given;
  const trace = raw.headers.traceparent;
  if (typeof trace === 'string') {
    const traceId = TRACEPARENT.exec(trace)?.[1];
    if (traceId !== undefined && traceId !== ZERO_TRACE) return traceId;
  }
  return randomUUID();
}

const PROBLEM_CODE = Symbol('problem code');
const REJECTION_REASON = Symbol('rejection reason');
type Tagged = FastifyRequest & { [PROBLEM_CODE]?: string; [REJECTION_REASON]?: string };

/** The one line written per request at info: what an operator greps for. */
export interface RequestLine {
  req_id: string;
  method: string;
  /** The route template (`/api/employees/:id`), never the raw URL with its ids and query. */
  route: string;
  status: number;
  /** Milliseconds from the request's arrival to the answer's last byte handed to the socket. */
  ms: number;
  /** The verified token's `sub`, when the route authenticated the caller. */
  user?: string;
  /** The problem code of a refused request (`invalid_token`, `not_found`, ...). */
  code?: string;
  /** Why a token was refused (`expired`, `signature_invalid`, ...): logged, never answered. */
  reason?: string;
}

export function requestLine(request: FastifyRequest, reply: FastifyReply): RequestLine {
  const line: RequestLine = {
    req_id: request.id,
    method: request.method,
    route: request.routeOptions.url ?? '(no route)',
    status: reply.statusCode,
    ms: Math.round(reply.elapsedTime * 100) / 100,
  };
  const sub = (request as { auth?: { sub?: unknown } | null }).auth?.sub;
  if (typeof sub === 'string') line.user = sub;
  const code = (request as Tagged)[PROBLEM_CODE];
  if (code !== undefined) line.code = code;
  const reason = (request as Tagged)[REJECTION_REASON];
  if (reason !== undefined) line.reason = reason;
  return line;
}

/**
 * Fastify's log controller without its two lines per request ("incoming request", "request
 * completed"): installRequestLogging writes the one line. Its error lines (stream, write-head and
 * serializer errors) stay. (Fastify 5.12 deprecates `disableRequestLogging` for this option.)
 */
export class RequestLogController extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(): void {}
}

/**
 * Request logging made for operators, installed on the root app before any route:
 * - the request id is honoured from X-Request-Id or traceparent (see requestIdOf) and echoed
 *   in X-Request-Id on every answer;
 * - at info, exactly one line per request (RequestLine), written when the answer is sent, and
 *   none for /healthz and /readyz (those go to debug);
 * - per-request child loggers are created only when something logs through `request.log`
 *   (at warn, a request that logs nothing costs no pino child and no redaction pass).
 * Fastify's own two lines per request must be off: pass `logController: new RequestLogController()`
 * in the app's options.
 */
export function installRequestLogging(app: FastifyInstance): void {
  app.setGenReqId(requestIdOf);
  app.setChildLoggerFactory(lazyChildLoggerFactory);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  const log = app.log as Logger;
  if (!log.isLevelEnabled('info')) return; // the level is fixed at start: at warn these hooks would only cost

  app.addHook('onError', (request, _reply, error, done) => {
    (request as Tagged)[PROBLEM_CODE] = toProblem(error).code;
    const reason = reasonOf(error);
    if (reason !== undefined) (request as Tagged)[REJECTION_REASON] = reason;
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const probe = request.routeOptions.url !== undefined && PROBE_ROUTES.has(request.routeOptions.url);
    if (probe) log.debug(requestLine(request, reply), 'request');
    else log.info(requestLine(request, reply), 'request');
    done();
  });
}
