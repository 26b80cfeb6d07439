import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { ForbiddenError } from '../errors/http.js';
import { extractBearerToken } from './bearer.js';
import type { AccessTokenClaims } from './types.js';
import type { Verifier } from './verifier.js';

export interface RequireAuthOptions {
  /** The token's `role` must be one of these. */
  roles?: readonly string[];
  /** Every one of these must be in the token's space-separated `scope`. */
  scopes?: readonly string[];
}

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
 */
export function createAuthHook(verifier: Verifier, options: RequireAuthOptions = {}): AuthHook {
  const roles = listOption(options.roles, 'roles');
  const scopes = listOption(options.scopes, 'scopes');
  return async (request) => {
    const claims = verifier.verify(extractBearerToken(request.headers.authorization));
    request.auth = claims;
    if (roles !== null && !(typeof claims.role === 'string' && roles.includes(claims.role))) {
      throw new ForbiddenError('role not permitted', { detail: 'Your role may not do this.' });
    }
    if (scopes !== null && !hasScopes(claims.scope, scopes)) {
      throw new ForbiddenError('insufficient scope', { detail: 'The access token lacks a required scope.' });
    }
  };
}

const plugin: FastifyPluginCallback<GuardPluginOptions> = (fastify, options, done) => {
  const { verifier } = options;
  if (typeof verifier?.verify !== 'function') {
    done(new TypeError('bulwark-guard: the `verifier` option is required'));
    return;
  }
  fastify.decorateRequest('auth', null);
  fastify.decorate('requireAuth', (opts?: RequireAuthOptions) => createAuthHook(verifier, opts));
  fastify.decorate('requireRole', (...roles: string[]) => createAuthHook(verifier, { roles }));
  done();
};

/** Fastify 5 plugin `bulwark-guard`: register once with `{ verifier }`, then use requireAuth. */
export const bulwarkGuard = fp(plugin, { name: 'bulwark-guard', fastify: '5.x' });

function listOption(list: readonly string[] | undefined, name: string): readonly string[] | null {
  if (list === undefined) return null;
  if (list.length === 0 || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw new TypeError(`requireAuth: ${name} must be a non-empty list of names`);
  }
  return [...list];
}

function hasScopes(scope: unknown, required: readonly string[]): boolean {
  if (typeof scope !== 'string') return false;
  const granted = scope.split(' ');
  return required.every((s) => granted.includes(s));
}
