import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  BulwarkError,
  LoginStepRequiredError,
  SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS,
  ServiceUnavailableError,
  TooManyRequestsError,
} from '../errors/index.js';
import { bearerChallenge, DpopReplayCacheFullError, InvalidTokenError, TokenExpiredError } from '@bulwark/guard';
import { PROBLEM_CODE } from '@bulwark/contract/registry';
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
    send(reply, problem(PROBLEM_CODE.not_found, `No route for ${request.method} ${request.url.split('?')[0] ?? ''}.`)),
  );
}

function send(reply: FastifyReply, answer: Problem, error?: unknown): FastifyReply {
  // RFC 6750 §3 / RFC 9110 §15.5.2, composed by the guard so that every adapter answers alike.
  const challenge = bearerChallenge(answer.status, answer.code, error);
  if (challenge !== undefined) reply.header('WWW-Authenticate', challenge);
  const retryAfter = retryAfterOf(answer.status, error);
  if (retryAfter !== undefined) reply.header('Retry-After', String(retryAfter));
  return reply.status(answer.status).type('application/problem+json').send(answer);
}

/** Retry-After (seconds) of an answer: every 429 and every 503 carries one (RFC 9110 §10.2.3). */
export function retryAfterOf(status: number, error: unknown): number | undefined {
  if (error instanceof TooManyRequestsError) return error.retryAfterSeconds;
  if (error instanceof ServiceUnavailableError) return error.retryAfterSeconds;
  // The guard's full DPoP replay cache: when its oldest proof expires.
  if (error instanceof DpopReplayCacheFullError) return error.retryAfterSeconds;
  return status === 503 ? SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS : undefined;
}

export function toProblem(error: unknown): Problem {
  // A login step's token (mfa_token …) rides in the body as an RFC 9457 extension member.
  if (error instanceof LoginStepRequiredError)
    return { ...problem(error.code, error.detail, error.status), ...error.members };
  if (error instanceof BulwarkError) return problem(error.code, error.detail, error.status);
  const fastifyError = error as Partial<FastifyError> & { validation?: unknown[] };
  if (Array.isArray(fastifyError.validation))
    return problem(PROBLEM_CODE.invalid_request, validationDetail(fastifyError));
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(PROBLEM_CODE.invalid_request, 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(PROBLEM_CODE.payload_too_large, 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problem(PROBLEM_CODE.unsupported_media_type, 'Send the body as application/json.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // The router's maxParamLength (HTTP_LIMITS.paramLength): an over-long id is the same 400
      // as an id over its schema's maxLength, not a 414 that carries invalid_request.
      return problem(PROBLEM_CODE.invalid_request, 'A path parameter of the request URL is too long.');
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return problem(PROBLEM_CODE.invalid_request, 'The request URL is malformed.');
  }
  // Postgres refuses U+0000 in text and jsonb parameters (SQLite stores it): that is a
  // client's string (a cursor, a query filter, a username), so a 400 like other bad input.
  if (isUnstorableText(error))
    return problem(PROBLEM_CODE.invalid_request, 'The request contains a character that cannot be stored (U+0000).');
  if (isDependencyOutage(error))
    return problem(PROBLEM_CODE.service_unavailable, 'A backing service is unavailable; try again shortly.');
  // JSON.parse errors thrown by a content parser quote the body: never pass their message on.
  if (error instanceof SyntaxError) return problem(PROBLEM_CODE.invalid_request, 'The request body is not valid JSON.');
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return problem(PROBLEM_CODE.invalid_request, undefined, status);
  return problem(PROBLEM_CODE.internal_error, 'The server could not complete the request.');
}

function validationDetail(error: { validation?: unknown[]; validationContext?: string }): string {
  const first = error.validation?.[0] as
    { keyword?: string; instancePath?: string; message?: string; params?: Record<string, unknown> } | undefined;
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

/**
 * Storage or connection failures of Postgres, Redis or SQLite: the request may succeed later, so
 * 503, never 500. Postgres by SQLSTATE class: 08 connection, 53 insufficient resources (disk
 * full, too many connections), 57 operator intervention (statement_timeout's 57014, shutdown),
 * 58 system (I/O), plus lock timeouts and serialization failures; SQLite by primary result code
 * (better-sqlite3 names extended codes, SQLITE_IOERR_WRITE …); EIO and ENOSPC from a failed flush
 * of the SQLite WAL (src/store/group-commit.ts).
 */
const OUTAGE_CODES = new Set([
  'EIO',
  'ENOSPC',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '55P03',
  '40001',
  '40P01',
]);
const PG_OUTAGE_CLASSES = /^(08|53|57|58)[0-9A-Z]{3}$/;
const SQLITE_OUTAGE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|NOMEM|PROTOCOL)(_|$)/;

/** node:sqlite's primary result codes (errcode & 0xff): BUSY, LOCKED, NOMEM, READONLY, IOERR, FULL, CANTOPEN, PROTOCOL. */
const SQLITE_OUTAGE_ERRCODES = new Set([5, 6, 7, 8, 10, 13, 14, 15]);

/** `statement has been finalized`: node:sqlite's answer to a kept prepared statement once its database is closed. */
const OUTAGE_MESSAGES =
  /Connection terminated|database connection is not open|database is not open|statement has been finalized|connection timeout|timeout exceeded when trying to connect|Connection is closed|driver has already been destroyed|database statement deadline exceeded|Query read timeout|no transaction is active|disk I\/O error|database or disk is full/i;

/** Whether an error is a backing service's outage rather than a fault of the request or the code. */
export function isDependencyOutage(error: unknown): boolean {
  const { code, message, errcode } = error as { code?: unknown; message?: unknown; errcode?: unknown };
  if (
    typeof code === 'string' &&
    (OUTAGE_CODES.has(code) || PG_OUTAGE_CLASSES.test(code) || SQLITE_OUTAGE_CODES.test(code))
  )
    return true;
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' && SQLITE_OUTAGE_ERRCODES.has(errcode & 0xff))
    return true;
  return typeof message === 'string' && OUTAGE_MESSAGES.test(message);
}

/** Why a token was refused (server-side only: clients see one uniform answer). */
export function reasonOf(error: unknown): string | undefined {
  if (error instanceof InvalidTokenError || error instanceof TokenExpiredError) return error.reason;
  return undefined;
}
