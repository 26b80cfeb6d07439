import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { assertVerifier, createAuthorizer, type RequireAuthOptions } from './authorize.js';
import { extractBearerToken } from './bearer.js';
import type { AccessTokenClaims } from './types.js';
import type { Verifier } from './verifier.js';

export type { RequireAuthOptions };

/** What the hook needs of a request; any FastifyRequest fits, whatever its route generics. */
export interface AuthTarget {
  readonly headers: { authorization?: string | undefined };
  auth: AccessTokenClaims | null;
}

/** An onRequest/preHandler hook: sets request.auth or throws (401 InvalidTokenError/TokenExpiredError, 403 ForbiddenError). */
export type AuthHook = (request: AuthTarget) => Promise<void>;

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
  return async (request) => {
    const claims = await verifier.verifyAsync(extractBearerToken(request.headers.authorization));
    request.auth = claims;
    authorize(claims);
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

/** Fastify 5 plugin `bulwark-guard`: register once with `{ verifier }`, then use requireAuth. */
export const bulwarkGuard = fp(plugin, { name: 'bulwark-guard', fastify: '5.x' });
