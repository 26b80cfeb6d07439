import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ForbiddenError, InvalidCredentialsError, InvalidGrantError } from '../../errors/index.js';
import { noContent } from '../../http/openapi.js';
import { isSecureRequest } from '../../http/transport.js';
import { reportLogin } from './login-outcome.js';
import type { AuthServices } from '../services.js';
import type { TokenPair } from './session-service.js';
import { claimsOf, requestMeta } from '../common/request-meta.js';
import { tokenProofHook } from '../dpop/token-proof.js';
import { tokenTarget } from '../tokens/token-target.js';
import { logoutAuth } from './logout-auth.js';
import { BULWARK_API } from '@bulwark/contract/registry';
import { Credentials, RefreshRequest, TokenResponse } from '@bulwark/contract';
import type { RefreshDelivery } from '@bulwark/contract/types';

export const REFRESH_COOKIE = 'bulwark_refresh';
/**
 * The refresh cookie's name on HTTPS. `__Host-` would be stronger but requires Path=/, and the
 * contract fixes Path=/api/users-sessions (so the cookie never rides along to the payroll API);
 * `__Secure-` still makes browsers refuse the cookie unless it was set over HTTPS with Secure,
 * so a plain-HTTP (network) attacker cannot plant or overwrite it. On plain HTTP (development)
 * a `__Secure-` cookie could not be set at all, hence the bare name there.
 */
export const SECURE_REFRESH_COOKIE = `__Secure-${REFRESH_COOKIE}`;

/** The refresh cookie name that applies to this request's transport; only that one is read. */
export function refreshCookieName(request: FastifyRequest): string {
  return isSecureRequest(request) ? SECURE_REFRESH_COOKIE : REFRESH_COOKIE;
}
const COOKIE_PATH = '/api/users-sessions';
const COOKIE_ATTRIBUTES = { path: COOKIE_PATH, httpOnly: true, secure: true, sameSite: 'strict' } as const;
/** A refresh token's alphabet (base64url): the cookie value needs no encoding. */
const COOKIE_SAFE = /^[A-Za-z0-9_-]+$/;

/**
 * The refresh cookie's Set-Cookie line, byte for byte what @fastify/cookie writes for
 * COOKIE_ATTRIBUTES, without its per-reply map, validation and encoding passes (a few percent of a
 * refresh): every login and refresh sets it. A value outside base64url is refused, never sent.
 */
export function refreshSetCookie(name: string, token: string, expiresAt: number): string {
  if (!COOKIE_SAFE.test(token)) throw new Error('refresh cookie: the token is not base64url');
  return `${name}=${token}; Path=${COOKIE_PATH}; Expires=${new Date(expiresAt).toUTCString()}; HttpOnly; Secure; SameSite=Strict`;
}
const tags = ['auth'];

/** Login (the seed article's POST /api/users-sessions), refresh rotation and logout. */
export function registerSessionRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const sameSiteOrigins = new Set([new URL(services.config.issuer).origin, ...services.config.corsOrigins]);
  const { throttles } = services;
  const tokenProof = tokenProofHook(services.verifier);

  app.post(
    '/api/users-sessions',
    {
      preHandler: tokenProof,
      schema: {
        operationId: 'login',
        tags,
        summary: 'Log in: username + password for an access token and a refresh token',
        security: [],
        body: Credentials,
        response: { 201: TokenResponse },
      },
    },
    async (request, reply) => {
      const { username, password, refresh_delivery: delivery = 'body', resource, scope } = request.body;
      const meta = requestMeta(request);
      const target = tokenTarget(resource, scope, services.grants.defaultApi());
      const pair = await reportLogin(services.events, async () => {
        // Limits first: a blocked caller gets 429 whatever the password (no oracle), known user or not.
        await throttles.login.check(username, meta.ip);
        let started: TokenPair;
        try {
          started = await services.sessions.login(username, password, meta, target);
        } catch (error) {
          if (error instanceof InvalidCredentialsError) await throttles.login.failed(username, meta.ip);
          throw error;
        }
        await throttles.login.succeeded(username, meta.ip);
        return started;
      });
      return sendPair(request, reply.status(201), pair, delivery);
    },
  );

  app.post(
    '/api/users-sessions/refresh',
    {
      onRequest: async (request) => {
        await throttles.refresh.hit(request.ip);
      },
      // A cookie-only refresh has no body at all: validate it as the empty object it means.
      preValidation: (request, _reply, done) => {
        request.body ??= {};
        done();
      },
      preHandler: tokenProof,
      schema: {
        operationId: 'refreshSession',
        tags,
        summary: 'Rotate a refresh token (body or cookie) for a new pair; a reused token revokes its session',
        security: [],
        body: RefreshRequest,
        response: { 200: TokenResponse },
      },
    },
    async (request, reply) => {
      const fromBody = request.body?.refresh_token;
      const fromCookie = request.cookies[refreshCookieName(request)];
      if (fromBody === undefined) {
        // The cookie rides along automatically: refuse it from pages of other origins (CSRF).
        // The page's own origin is the address it was served from, whatever the issuer says
        // (127.0.0.1 or localhost): a foreign page cannot make the browser send our Host.
        const origin = request.headers.origin;
        if (origin !== undefined && !sameSiteOrigins.has(origin) && origin !== `${request.protocol}://${request.host}`)
          throw new ForbiddenError('cookie refresh from a foreign origin', {
            detail: 'Cross-origin cookie refresh is not allowed.',
          });
      }
      const presented = fromBody ?? fromCookie;
      if (presented === undefined) throw new InvalidGrantError('missing');
      const target = tokenTarget(request.body?.resource, request.body?.scope, services.grants.defaultApi());
      const pair = await services.sessions.refresh(presented, requestMeta(request), target);
      // A cookie refresh comes from a browser: its answer never exposes the token to script.
      return sendPair(request, reply.status(200), pair, fromBody === undefined ? 'cookie' : 'body');
    },
  );

  app.delete(
    '/api/users-sessions/current',
    {
      onRequest: logoutAuth(app.requireAuth(), services.oauth.readOwnToken, [services.config.audience, BULWARK_API]),
      schema: {
        operationId: 'logout',
        tags,
        summary: 'Log out: the session, its refresh token and its access tokens stop working',
        security: [{ bearer: [] }],
        response: { 204: noContent('Logged out; the refresh cookie is cleared') },
      },
    },
    async (request, reply) => {
      await services.sessions.logout(claimsOf(request), requestMeta(request));
      // Same name, path and attributes as set, expired: the browser drops it.
      reply.clearCookie(refreshCookieName(request), COOKIE_ATTRIBUTES);
      return reply.status(204).send();
    },
  );
}

/** The refresh cookie is always set; the body carries the token only in `body` delivery. */
export function sendPair(
  request: FastifyRequest,
  reply: FastifyReply,
  pair: TokenPair,
  delivery: RefreshDelivery,
): FastifyReply {
  reply.header('set-cookie', refreshSetCookie(refreshCookieName(request), pair.refreshToken, pair.sessionExpiresAt));
  return reply.send({
    access_token: pair.accessToken,
    token_type: pair.tokenType,
    expires_in: pair.expiresIn,
    ...(delivery === 'body' ? { refresh_token: pair.refreshToken } : {}),
    session_id: pair.sessionId,
    scope: pair.scope,
  });
}
