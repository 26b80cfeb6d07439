import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Verifier } from '@bulwark/guard';

declare module 'fastify' {
  interface FastifyRequest {
    /** The RFC 7638 thumbprint of a token request's verified DPoP proof key; null without a proof. */
    dpopJkt: string | null;
  }
}

/** The endpoints that issue tokens and so accept a DPoP proof (RFC 9449 §5): htm POST, htu the endpoint. */
export const TOKEN_ENDPOINTS: ReadonlySet<string> = new Set([
  '/api/users-sessions',
  '/api/users-sessions/refresh',
  '/api/users-sessions/mfa',
  '/api/users-sessions/password-change',
  '/oauth/token',
]);

/**
 * Checks the DPoP header of a token request with the verifier's own proof rules (algs, iat
 * window, the shared replay cache) and remembers the proof key's thumbprint on the request:
 * requestMeta carries it to the services, which bind the tokens they issue to it. A request
 * without a DPoP header goes on as before (Bearer tokens); an invalid proof is refused
 * (invalid_dpop_proof: problem+json 401 here, the OAuth error JSON 400 at /oauth/token).
 */
export function registerTokenProofHook(app: FastifyInstance, verifier: Verifier): void {
  app.decorateRequest('dpopJkt', null);
  app.addHook('preHandler', async (request: FastifyRequest) => {
    if (request.method !== 'POST' || !TOKEN_ENDPOINTS.has(request.routeOptions.url ?? '')) return;
    const header = request.headers.dpop;
    if (header === undefined) return;
    const checker = verifier.dpop;
    if (checker === undefined) throw new Error('the access-token verifier has no DPoP checker');
    const proof = await checker.check(header, { method: request.method, url: `${request.protocol}://${request.host}${request.url}` });
    request.dpopJkt = proof.jkt;
  });
}
