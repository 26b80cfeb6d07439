import type { IncomingMessage, ServerResponse } from 'node:http';
import { assertVerifier, createAuthorizer, type RequireAuthOptions } from '../authorize/authorize.js';
import { authenticateRequest } from '../dpop/authenticate.js';
import { nodeRequestUrl } from '../dpop/request-url.js';
import { errorAnswer, internalErrorAnswer, type ErrorAnswer } from '../http/problem.js';
import type { AccessTokenClaims } from '../types.js';
import type { Verifier } from '../verifier/verifier.js';

/** A request the middleware let through: `auth` holds the verified claims. `AuthenticatedRequest<express.Request>` for Express. */
export type AuthenticatedRequest<R extends IncomingMessage = IncomingMessage> = R & { auth: AccessTokenClaims };

/** The options of `createAuthMiddleware`: the route's rule, and how a refusal is answered. */
export interface AuthMiddlewareOptions extends RequireAuthOptions {
  /**
   * 'respond' (default): answer 401/403 itself, problem+json with RFC 6750 WWW-Authenticate, as
   * the Bulwark app does. 'next': hand the error to next(error) for the app's own error handler
   * (it has `statusCode`, so Express's default handler answers 401/403). Without a next function
   * the middleware always responds.
   */
  onError?: 'respond' | 'next';
  /**
   * Hears every refusal the middleware answers itself ('respond'), for server-side logs: the
   * client answer stays uniform, `error.reason` says why (never log the token).
   */
  onRejected?: ((error: unknown, req: IncomingMessage) => void) | undefined;
}

/** Express's `next`: called with nothing to go on, with an error to hand it to the error handler. */
export type NextFunction = (error?: unknown) => void;

/**
 * Express 5 / node:http middleware. Resolves true when the request was authenticated (and next
 * was called), false when it was answered or handed to next(error); it never rejects. Plain
 * node:http: `if (await auth(req, res)) handle(req, res)`.
 */
export type AuthMiddleware = (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => Promise<boolean>;

/**
 * Verifies the Bearer token (verifyAsync, so a remote JWKS can refetch for a new kid), checks
 * roles and scopes, sets `req.auth` and calls next(). Errors that are not the guard's own go to
 * next(error), or become a bare 500 problem when there is no next.
 */
export function createAuthMiddleware(verifier: Verifier, options: AuthMiddlewareOptions = {}): AuthMiddleware {
  assertVerifier(verifier, 'createAuthMiddleware');
  const authorize = createAuthorizer(options, 'createAuthMiddleware');
  const mode = options.onError ?? 'respond';
  if (mode !== 'respond' && mode !== 'next')
    throw new TypeError("createAuthMiddleware: onError must be 'respond' or 'next'");
  const { onRejected } = options;
  if (onRejected !== undefined && typeof onRejected !== 'function')
    throw new TypeError('createAuthMiddleware: onRejected must be a function');
  return async (req, res, next) => {
    try {
      const claims = await authenticateRequest(
        verifier,
        {
          authorization: req.headers.authorization,
          dpop: req.headers.dpop,
          rawHeaders: req.rawHeaders,
          method: req.method ?? '',
          url: () => nodeRequestUrl(req),
        },
        'verifyAsync',
      );
      (req as AuthenticatedRequest).auth = claims;
      authorize(claims);
    } catch (error) {
      if (mode === 'next' && next !== undefined) next(error);
      else respond(error, req, res, next, onRejected);
      return false;
    }
    next?.();
    return true;
  };
}

function respond(
  error: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  next: NextFunction | undefined,
  onRejected: AuthMiddlewareOptions['onRejected'],
): void {
  const answer = errorAnswer(error);
  if (answer === null && next !== undefined) {
    next(error);
    return;
  }
  try {
    onRejected?.(error, req);
  } catch {
    // a failing logger must not keep the client waiting
  }
  send(res, answer ?? internalErrorAnswer());
}

function send(res: ServerResponse, answer: ErrorAnswer): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(answer.body);
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}
