import type { FastifyRequest } from 'fastify';
import type { AccessTokenClaims } from '@bulwark/guard';
import type { RequestMeta } from '../sessions/session-service.js';
import '../dpop/token-proof.js';

export function requestMeta(request: FastifyRequest): RequestMeta {
  const agent = request.headers['user-agent'];
  return {
    ip: request.ip ?? null,
    userAgent: typeof agent === 'string' ? agent : null,
    dpopJkt: request.dpopJkt ?? null,
  };
}

/** The verified claims of a route that ran requireAuth: its absence is a wiring bug, not a 401. */
export function claimsOf(request: FastifyRequest): AccessTokenClaims {
  if (request.auth === null || request.auth === undefined)
    throw new Error(`route ${request.routeOptions.url ?? ''} read claims without requireAuth`);
  return request.auth;
}
