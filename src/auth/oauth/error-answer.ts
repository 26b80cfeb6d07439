import type { FastifyError, FastifyInstance } from 'fastify';
import { retryAfterOf, toProblem } from '../../http/error-mapper.js';
import { OAuthError } from './errors.js';

export interface OAuthErrorBody {
  error: string;
  error_description?: string;
}

/**
 * The OAuth endpoints answer errors in their RFCs' JSON (RFC 6749 §5.2, used by RFC 7009 and
 * 7662 too), not problem+json. Classification stays the one error mapper's (toProblem); this only
 * renders: our OAuthErrors as they are, a refresh's invalid_grant at 400, malformed input as
 * invalid_request, limits and outages as temporarily_unavailable, anything else server_error.
 */
export function oauthAnswer(error: unknown): { status: number; body: OAuthErrorBody } {
  if (error instanceof OAuthError) return { status: error.status, body: { error: error.code, error_description: error.detail ?? '' } };
  const problem = toProblem(error);
  const body = (code: string): OAuthErrorBody => ({ error: code, ...(problem.detail === undefined ? {} : { error_description: problem.detail }) });
  if (problem.code === 'invalid_grant') return { status: 400, body: body('invalid_grant') };
  // RFC 9449 §5 and §8: DPoP proof errors of a token request are 400s with their own codes.
  if (problem.code === 'invalid_dpop_proof' || problem.code === 'use_dpop_nonce') return { status: 400, body: body(problem.code) };
  if (problem.status === 429 || problem.status === 503) return { status: problem.status, body: body('temporarily_unavailable') };
  if (problem.status >= 500) return { status: 500, body: { error: 'server_error', error_description: 'The server could not complete the request.' } };
  if (problem.code === 'unsupported_media_type') return { status: 400, body: { error: 'invalid_request', error_description: 'Send the parameters as application/x-www-form-urlencoded.' } };
  return { status: 400, body: body('invalid_request') };
}

/** Registers the renderer as the error handler of the scope that holds the OAuth routes. */
export function registerOAuthErrorHandler(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const { status, body } = oauthAnswer(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.error, reason: error instanceof OAuthError ? error.message : undefined }, 'request rejected');
    // RFC 6749 §5.2: invalid_client is a 401 naming the scheme the client may authenticate with.
    if (body.error === 'invalid_client') reply.header('WWW-Authenticate', 'Basic realm="bulwark", charset="UTF-8"');
    const retryAfter = retryAfterOf(error);
    if (retryAfter !== undefined) reply.header('Retry-After', String(retryAfter));
    return reply.status(status).header('cache-control', 'no-store').header('pragma', 'no-cache').type('application/json').send(body);
  });
}
