import type { FastifyPluginCallback } from 'fastify';
import { assertVerifier, createAuthorizer, type RequireAuthOptions } from '../authorize/authorize.js';
import { authenticateRequest } from '../dpop/authenticate.js';
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

/** An onRequest/preHandler hook: sets request.auth or throws (401 InvalidTokenError/TokenExpiredError, 403 ForbiddenError). */
export type AuthHook = (request: AuthTarget, reply: unknown, done: (error?: Error) => void) => void;

export interface GuardPluginOptions {
  verifier: Verifier;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access token claims once a requireAuth hook ran; null before and elsewhere. */
    auth: AccessTokenClaims | null;
  }
  interface FastifyInstance {
    requireAuth(options?: RequireAuthOptions): AuthHook;
    /** Shorthand for requireAuth({ roles }). */
    requireRole(...roles: string[]): AuthHook;
  }
}

/**
 * The hook behind requireAuth, usable without the plugin. It throws and never answers itself:
 * the app's single error mapper turns the errors into problem+json and WWW-Authenticate.
 * Verifies with verifyAsync, so a remote JWKS source can refetch for a new kid.
 */
export function createAuthHook(verifier: Verifier, options: RequireAuthOptions = {}): AuthHook {
  assertVerifier(verifier, 'requireAuth');
  const authorize = createAuthorizer(options, 'requireAuth');
  // Callback style on purpose: the usual request verifies synchronously and continues at once;
  // an async hook would cost every request a promise and a microtask turn. Only a token with an
  // unknown kid (a remote JWKS source may refetch) or a DPoP proof checked against an async
  // (Redis) replay cache takes the async path.
  return (request, _reply, done) => {
    try {
      const result = authenticateRequest(verifier, {
        authorization: request.headers.authorization,
        dpop: request.headers.dpop,
        rawHeaders: request.raw?.rawHeaders,
        method: request.method ?? '',
        url: () => `${request.protocol ?? 'http'}://${request.host ?? ''}${request.url ?? '/'}`,
      });
      if (result instanceof Promise) {
        result.then((claims) => {
          request.auth = claims;
          authorize(claims);
          done();
        }).catch((failure: unknown) => done(failure as Error));
        return;
      }
      request.auth = result;
      authorize(result);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  };
}

const plugin: FastifyPluginCallback<GuardPluginOptions> = (fastify, options, done) => {
  const { verifier } = options;
  try {
    assertVerifier(verifier, 'bulwark-guard');
  } catch (error) {
    done(error as Error);
    return;
  }
  fastify.decorateRequest('auth', null);
  fastify.decorate('requireAuth', (opts?: RequireAuthOptions) => createAuthHook(verifier, opts));
  fastify.decorate('requireRole', (...roles: string[]) => createAuthHook(verifier, { roles }));
  done();
};

/**
 * Fastify 5 plugin `bulwark-guard`: register once with `{ verifier }`, then use requireAuth.
 * The symbols are what fastify-plugin would set (decorations visible to the parent scope, a name,
 * the Fastify major): written here so that Fastify stays an optional peer, not a dependency.
 */
export const bulwarkGuard: FastifyPluginCallback<GuardPluginOptions> = Object.assign(plugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'bulwark-guard',
  [Symbol.for('plugin-meta')]: { name: 'bulwark-guard', fastify: '5.x' },
});
