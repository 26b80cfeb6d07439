import { BulwarkError } from '../bulwark-error.js';
import { bearerChallenge } from './challenge.js';
import { dpopResponseHeaders } from '../dpop/challenge.js';

/**
 * The answer every adapter (Fastify, node:http/Express, Hono) writes itself. The guard must not
 * depend on the app (src/http), so this repeats the body of src/http/problem.ts; the
 * WWW-Authenticate comes from bearerChallenge, which the app's error mapper uses too.
 * test/guard/problem-parity.test.ts keeps the two equal.
 */
export interface GuardProblem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
}

/** A refusal as the adapters send it: status, headers (content type, WWW-Authenticate) and body. */
export interface ErrorAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: GuardProblem;
}

const TITLES: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The problem+json body of `status` and `code`, and `detail` (the error's fixed text) when given. */
export function guardProblem(status: number, code: string, detail?: string): GuardProblem {
  const body: GuardProblem = { type: `urn:bulwark:problem:${code}`, title: TITLES[status] ?? 'Error', status, code };
  if (detail !== undefined) body.detail = detail;
  return body;
}

/** The problem+json answer for a BulwarkError (text only from its `detail`); null for any other error. */
export function errorAnswer(error: unknown): ErrorAnswer | null {
  if (!(error instanceof BulwarkError)) return null;
  const body = guardProblem(error.status, error.code, error.detail);
  const challenge = bearerChallenge(error.status, error.code, error);
  const headers: Record<string, string> = { 'content-type': 'application/problem+json; charset=utf-8' };
  if (challenge !== undefined) headers['www-authenticate'] = challenge;
  Object.assign(headers, dpopResponseHeaders(error));
  return { status: error.status, headers, body };
}

/** For errors that are not the guard's own (a bug): no detail of the error reaches the client. */
export function internalErrorAnswer(): ErrorAnswer {
  return {
    status: 500,
    headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    body: guardProblem(500, 'internal_error', 'The server could not complete the request.'),
  };
}
