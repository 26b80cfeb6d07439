import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BulwarkError, LoginStepRequiredError, TooManyRequestsError } from '../errors/index.js';
import { bearerChallenge, DpopReplayCacheFullError, InvalidTokenError, TokenExpiredError } from '@bulwark/guard';
import { problem, type Problem } from './problem.js';

/**
 * The one place errors become HTTP answers. Handlers throw; this maps. Client-facing text comes
 * only from an error's `detail` or from fixed strings here: never from a parser's message, which
 * can quote the request body (a password) back.
 */
export function registerErrorMapper(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | BulwarkError | Error, request, reply) => {
    const answer = toProblem(error);
    if (answer.status >= 500) request.log.error({ err: error }, 'request failed');
    // At info the request's one line carries the code and the reason (request-log.ts).
    else request.log.debug({ code: answer.code, reason: reasonOf(error) }, 'request rejected');
    return send(reply, answer, error);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    send(reply, problem(404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0] ?? ''}.`)),
  );
}

function send(reply: FastifyReply, answer: Problem, error?: unknown): FastifyReply {
  // RFC 6750 §3 / RFC 9110 §15.5.2, composed by the guard so that every adapter answers alike.
  const challenge = bearerChallenge(answer.status, answer.code, error);
  if (challenge !== undefined) reply.header('WWW-Authenticate', challenge);
  const retryAfter = retryAfterOf(error);
  if (retryAfter !== undefined) reply.header('Retry-After', String(retryAfter));
  return reply.status(answer.status).type('application/problem+json').send(answer);
}

/** Seconds to wait for a limit (429) or a full DPoP replay cache (503); undefined for any other error. */
export function retryAfterOf(error: unknown): number | undefined {
  return error instanceof TooManyRequestsError || error instanceof DpopReplayCacheFullError ? error.retryAfterSeconds : undefined;
}

export function toProblem(error: unknown): Problem {
  // A login step's token (mfa_token …) rides in the body as an RFC 9457 extension member.
  if (error instanceof LoginStepRequiredError) return { ...problem(error.status, error.code, error.detail), ...error.members };
  if (error instanceof BulwarkError) return problem(error.status, error.code, error.detail);
  const fastifyError = error as Partial<FastifyError> & { validation?: unknown[] };
  if (Array.isArray(fastifyError.validation)) return problem(400, 'invalid_request', validationDetail(fastifyError));
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'invalid_request', 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(413, 'payload_too_large', 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problem(415, 'unsupported_media_type', 'Send the body as application/json.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // The router's maxParamLength (HTTP_LIMITS.paramLength): an over-long id is the same 400
      // as an id over its schema's maxLength, not a 414 that carries invalid_request.
      return problem(400, 'invalid_request', 'A path parameter of the request URL is too long.');
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return problem(400, 'invalid_request', 'The request URL is malformed.');
  }
  // Postgres refuses U+0000 in text and jsonb parameters (SQLite stores it): that is a
  // client's string (a cursor, a query filter, a username), so a 400 like other bad input.
  if (isUnstorableText(error)) return problem(400, 'invalid_request', 'The request contains a character that cannot be stored (U+0000).');
  if (isDependencyOutage(error)) return problem(503, 'service_unavailable', 'A backing service is unavailable; try again shortly.');
  // JSON.parse errors thrown by a content parser quote the body: never pass their message on.
  if (error instanceof SyntaxError) return problem(400, 'invalid_request', 'The request body is not valid JSON.');
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return problem(status, 'invalid_request');
  return problem(500, 'internal_error', 'The server could not complete the request.');
}

function validationDetail(error: { validation?: unknown[]; validationContext?: string }): string {
  const first = error.validation?.[0] as { keyword?: string; instancePath?: string; message?: string; params?: Record<string, unknown> } | undefined;
  const where = `${error.validationContext ?? 'request'}${first?.instancePath ?? ''}`;
  if (first?.keyword === 'additionalProperties') {
    const field = String(first.params?.additionalProperty ?? '').slice(0, 64);
    return `${where} has an unknown or read-only field "${field}".`;
  }
  return `${where} ${first?.message ?? 'is invalid'}.`;
}

/** Postgres 22021 (a NUL byte in a text parameter) and 22P05 (\u0000 in jsonb). */
const UNSTORABLE_TEXT_CODES = new Set(['22021', '22P05']);

function isUnstorableText(error: unknown): boolean {
  const { code } = error as { code?: unknown };
  return typeof code === 'string' && UNSTORABLE_TEXT_CODES.has(code);
}

/** Connection-level failures of Postgres, Redis or SQLite, and a failed flush of the SQLite WAL (EIO, ENOSPC): the request may succeed later. */
const OUTAGE_CODES = new Set(['EIO', 'ENOSPC', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_CANTOPEN']);

/** node:sqlite's primary result codes (errcode & 0xff): BUSY, LOCKED, IOERR, FULL, CANTOPEN. */
const SQLITE_OUTAGE_ERRCODES = new Set([5, 6, 10, 13, 14]);

function isDependencyOutage(error: unknown): boolean {
  const { code, message, errcode } = error as { code?: unknown; message?: unknown; errcode?: unknown };
  if (typeof code === 'string' && OUTAGE_CODES.has(code)) return true;
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' && SQLITE_OUTAGE_ERRCODES.has(errcode & 0xff)) return true;
  return typeof message === 'string' && /Connection terminated|connection timeout|Connection is closed|driver has already been destroyed/i.test(message);
}

/** Why a token was refused (server-side only: clients see one uniform answer). */
export function reasonOf(error: unknown): string | undefined {
  if (error instanceof InvalidTokenError || error instanceof TokenExpiredError) return error.reason;
  return undefined;
}
