// Types only: hono is an optional peer, so the guard must load where it is not installed.
import type { Context, MiddlewareHandler } from 'hono';
import { assertVerifier, createAuthorizer, type RequireAuthOptions } from '../authorize/authorize.js';
import { authenticateRequest } from '../dpop/authenticate.js';
import { errorAnswer } from '../http/problem.js';
import type { AccessTokenClaims } from '../types.js';
import type { Verifier } from '../verifier/verifier.js';

/** The Hono Env the middleware provides: `c.get('auth')` (or `c.var.auth`) is the verified claims. */
export interface HonoAuthEnv {
  Variables: { auth: AccessTokenClaims };
}

/** The options of `createHonoMiddleware`: the route's rule, and a listener of refusals. */
export interface HonoMiddlewareOptions extends RequireAuthOptions {
  /**
   * Hears every refusal the middleware answers, for server-side logs: the client answer stays
   * uniform, `error.reason` says why (never log the token).
   */
  onRejected?: ((error: unknown, c: Context) => void) | undefined;
}

/**
 * Hono 4 middleware: verifies the Bearer token (verifyAsync, so a remote JWKS can refetch for a
 * new kid), checks roles and scopes, sets `c.set('auth', claims)` and calls next(). A refusal is
 * answered here, problem+json with the same body and WWW-Authenticate as every other adapter:
 * 401 invalid_token / token_expired, 403 forbidden. Errors that are not the guard's own (a bug)
 * are rethrown to the app's onError. Works on any runtime Hono runs on that has node:crypto.
 */
export function createHonoMiddleware(
  verifier: Verifier,
  options: HonoMiddlewareOptions = {},
): MiddlewareHandler<HonoAuthEnv> {
  assertVerifier(verifier, 'createHonoMiddleware');
  const authorize = createAuthorizer(options, 'createHonoMiddleware');
  const { onRejected } = options;
  if (onRejected !== undefined && typeof onRejected !== 'function')
    throw new TypeError('createHonoMiddleware: onRejected must be a function');
  return async (c, next) => {
    let claims: AccessTokenClaims;
    try {
      // Fetch Headers join repeated Authorization headers with ", ": that holds a space, so it is
      // `malformed`, never judged by its first credential.
      claims = await authenticateRequest(
        verifier,
        {
          authorization: c.req.header('authorization'),
          dpop: c.req.header('dpop'),
          method: c.req.method,
          url: () => c.req.url,
        },
        'verifyAsync',
      );
      authorize(claims);
    } catch (error) {
      const answer = errorAnswer(error);
      if (answer === null) throw error;
      try {
        onRejected?.(error, c);
      } catch {
        // a failing logger must not keep the client waiting
      }
      return new Response(JSON.stringify(answer.body), { status: answer.status, headers: answer.headers });
    }
    c.set('auth', claims);
    await next();
    return undefined;
  };
}
