import type { FastifyPluginCallback } from 'fastify';
import { assertVerifier, createAuthorizer, type RequireAuthOptions } from '../authorize/authorize.js';
import { authenticateRequest } from '../dpop/authenticate.js';
import { errorAnswer } from '../http/problem.js';
import type { AccessTokenClaims } from '../types.js';
import type { Verifier } from '../verifier/verifier.js';

export type { RequireAuthOptions };

/** What the hook needs of a request; any FastifyRequest fits, whatever its route generics. */
export interface AuthTarget {
  readonly headers: { authorization?: string | undefined; dpop?: string | string[] | undefined };
  /** For DPoP proofs (htm, htu): Fastify's request.protocol and request.host follow trustProxy. */
  readonly method?: string;
  readonly protocol?: string;
  readonly host?: string;
  readonly url?: string;
  /** The node request (Fastify's request.raw): its rawHeaders reveal a repeated Authorization header. */
  readonly raw?: { readonly rawHeaders?: readonly string[] } | undefined;
  auth: AccessTokenClaims | null;
}

/** What the hook uses of a FastifyReply to answer a refusal itself. */
interface AuthReply {
  code(statusCode: number): unknown;
  header(name: string, value: string): unknown;
  send(payload: string): unknown;
}

/**
 * An onRequest/preHandler hook: sets request.auth, or refuses the request (401 invalid_token /
 * token_expired, 403 forbidden): answered by the hook itself or thrown, as `onError` says.
 */
export type AuthHook = (request: AuthTarget, reply: unknown, done: (error?: Error) => void) => void;

/**
 * What the guard does with a refusal:
 * - `'respond'` (default): answers it itself, problem+json with the RFC 6750 / RFC 9449
 *   WWW-Authenticate challenge, exactly as the Express, node:http and Hono adapters do. No
 *   error handler of the app is needed, and no rejection reason reaches the body.
 * - `'throw'`: hands the error (an `InvalidTokenError`, `TokenExpiredError` or `ForbiddenError`)
 *   to Fastify's error handler, for an app with its own error mapper (Bulwark itself).
 */
export type FastifyOnError = 'respond' | 'throw';

/** The options of `createAuthHook`: the route's rule, and how a refusal is answered. */
export interface AuthHookOptions extends RequireAuthOptions {
  /** Default `'respond'`. See {@link FastifyOnError}. */
  onError?: FastifyOnError | undefined;
  /**
   * Hears every refusal the hook answers itself (`'respond'`), for server-side logs: the client
   * answer stays uniform, `error.reason` says why (never log the token).
   */
  onRejected?: ((error: unknown, request: AuthTarget) => void) | undefined;
}

/** The options of `app.register(bulwarkGuard, options)`. */
export interface GuardPluginOptions {
  /** From `createVerifier` or `createIssuerVerifier`. */
  verifier: Verifier;
  /** How every requireAuth hook answers a refusal; default `'respond'`. See {@link FastifyOnError}. */
  onError?: FastifyOnError | undefined;
  /** Hears every refusal a hook answers itself (for logs; never log the token). */
  onRejected?: AuthHookOptions['onRejected'];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access token claims once a requireAuth hook ran; null before and elsewhere. */
    auth: AccessTokenClaims | null;
  }
  interface FastifyInstance {
    /** An onRequest hook that lets through only a valid token satisfying `options` (roles, scopes, step-up). */
    requireAuth(options?: RequireAuthOptions): AuthHook;
    /** Shorthand for requireAuth({ roles }). */
    requireRole(...roles: string[]): AuthHook;
  }
}

/**
 * The hook behind requireAuth, usable without the plugin. Verifies with verifyAsync, so a remote
 * JWKS source can refetch for a new kid. A refusal is answered here (`onError: 'respond'`, the
 * default) or passed to the app's error handler (`'throw'`); an error that is not the guard's
 * own (a bug) always goes to the error handler.
 */
export function createAuthHook(verifier: Verifier, options: AuthHookOptions = {}): AuthHook {
  assertVerifier(verifier, 'requireAuth');
  const authorize = createAuthorizer(options, 'requireAuth');
  const mode = options.onError ?? 'respond';
  if (mode !== 'respond' && mode !== 'throw') throw new TypeError("requireAuth: onError must be 'respond' or 'throw'");
  const { onRejected } = options;
  if (onRejected !== undefined && typeof onRejected !== 'function')
    throw new TypeError('requireAuth: onRejected must be a function');
  const fail = (error: unknown, request: AuthTarget, reply: AuthReply, done: (error?: Error) => void): void => {
    const answer = mode === 'respond' ? errorAnswer(error) : null;
    if (answer === null) {
      done(error as Error);
      return;
    }
    try {
      onRejected?.(error, request);
    } catch {
      // a failing logger must not keep the client waiting
    }
    // Answered from the hook: done is not called, so no later hook or handler runs. The body is
    // sent already serialized, so no response schema or serializer of the app can reshape it.
    reply.code(answer.status);
    for (const [name, value] of Object.entries(answer.headers)) reply.header(name, value);
    reply.send(JSON.stringify(answer.body));
  };
  // Callback style on purpose: the usual request verifies synchronously and continues at once;
  // an async hook would cost every request a promise and a microtask turn. Only a token with an
  // unknown kid (a remote JWKS source may refetch) or a DPoP proof checked against an async
  // (Redis) replay cache takes the async path.
  return (request, reply, done) => {
    try {
      const result = authenticateRequest(verifier, {
        authorization: request.headers.authorization,
        dpop: request.headers.dpop,
        rawHeaders: request.raw?.rawHeaders,
        method: request.method ?? '',
        url: () => `${request.protocol ?? 'http'}://${request.host ?? ''}${request.url ?? '/'}`,
      });
      if (result instanceof Promise) {
        result
          .then((claims) => {
            request.auth = claims;
            authorize(claims);
            done();
          })
          .catch((failure: unknown) => fail(failure, request, reply as AuthReply, done));
        return;
      }
      request.auth = result;
      authorize(result);
    } catch (error) {
      fail(error, request, reply as AuthReply, done);
      return;
    }
    done();
  };
}

const plugin: FastifyPluginCallback<GuardPluginOptions> = (fastify, options, done) => {
  const { verifier, onError, onRejected } = options;
  try {
    assertVerifier(verifier, 'bulwark-guard');
    // Checked once here rather than at the first requireAuth.
    createAuthHook(verifier, { onError, onRejected });
  } catch (error) {
    done(error as Error);
    return;
  }
  fastify.decorateRequest('auth', null);
  fastify.decorate('requireAuth', (opts?: RequireAuthOptions) =>
    createAuthHook(verifier, { ...opts, onError, onRejected }),
  );
  fastify.decorate('requireRole', (...roles: string[]) => createAuthHook(verifier, { roles, onError, onRejected }));
  done();
};

/**
 * Fastify 5 plugin `bulwark-guard`: register once with `{ verifier }`, then guard routes with
 * `onRequest: app.requireAuth({ roles, scopes })`. Refusals are answered by the guard itself
 * (problem+json and WWW-Authenticate) unless `onError: 'throw'`.
 * The symbols are what fastify-plugin would set (decorations visible to the parent scope, a name,
 * the Fastify major): written here so that Fastify stays an optional peer, not a dependency.
 */
export const bulwarkGuard: FastifyPluginCallback<GuardPluginOptions> = Object.assign(plugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'bulwark-guard',
  [Symbol.for('plugin-meta')]: { name: 'bulwark-guard', fastify: '5.x' },
});
