import type { FastifyError, FastifyInstance } from 'fastify';
import { OAUTH_ERROR, OAUTH_ERRORS, PROBLEM_CODE, type OAuthErrorCode } from '@bulwark/contract/registry';
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
  if (error instanceof OAuthError)
    return { status: error.status, body: { error: error.code, error_description: error.detail ?? '' } };
  const problem = toProblem(error);
  const answer = (code: OAuthErrorCode, status: number = OAUTH_ERRORS[code].status) => ({
    status,
    body: { error: code, ...(problem.detail === undefined ? {} : { error_description: problem.detail }) },
  });
  // A refresh's invalid_grant, and (RFC 9449 §5 and §8) the DPoP proof errors of a token request: their OAuth codes, at 400.
  if (
    problem.code === OAUTH_ERROR.invalid_grant ||
    problem.code === OAUTH_ERROR.invalid_dpop_proof ||
    problem.code === OAUTH_ERROR.use_dpop_nonce
  )
    return answer(problem.code);
  // A token request's target (contract §15.5): RFC 8707's and RFC 6749's own codes. Holding
  // nothing at the resource is RFC 8707's "not allowed to request"; a token too large is the
  // request's to narrow.
  if (problem.code === PROBLEM_CODE.invalid_target || problem.code === PROBLEM_CODE.resource_not_granted)
    return answer(OAUTH_ERROR.invalid_target);
  if (problem.code === PROBLEM_CODE.invalid_scope) return answer(OAUTH_ERROR.invalid_scope);
  if (problem.status === 429 || problem.status === 503)
    return answer(OAUTH_ERROR.temporarily_unavailable, problem.status);
  if (problem.status >= 500)
    return {
      status: OAUTH_ERRORS.server_error.status,
      body: { error: OAUTH_ERROR.server_error, error_description: 'The server could not complete the request.' },
    };
  if (problem.code === PROBLEM_CODE.unsupported_media_type)
    return {
      status: OAUTH_ERRORS.invalid_request.status,
      body: {
        error: OAUTH_ERROR.invalid_request,
        error_description: 'Send the parameters as application/x-www-form-urlencoded.',
      },
    };
  return answer(OAUTH_ERROR.invalid_request);
}

/** Registers the renderer as the error handler of the scope that holds the OAuth routes. */
export function registerOAuthErrorHandler(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const { status, body } = oauthAnswer(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else
      request.log.info(
        { code: body.error, reason: error instanceof OAuthError ? error.message : undefined },
        'request rejected',
      );
    // RFC 6749 §5.2: invalid_client is a 401 naming the scheme the client may authenticate with.
    if (body.error === OAUTH_ERROR.invalid_client)
      reply.header('WWW-Authenticate', 'Basic realm="bulwark", charset="UTF-8"');
    const retryAfter = retryAfterOf(status, error);
    if (retryAfter !== undefined) reply.header('Retry-After', String(retryAfter));
    return reply
      .status(status)
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache')
      .type('application/json')
      .send(body);
  });
}
