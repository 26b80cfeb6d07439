import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Verifier } from '@bulwark/guard';

declare module 'fastify' {
  interface FastifyRequest {
    /** The RFC 7638 thumbprint of a token request's verified DPoP proof key; null without a proof. */
    dpopJkt: string | null;
  }
}

/** Gives every request of the scope its `dpopJkt` (null): the token routes' hook fills it in. */
export function declareTokenProof(app: FastifyInstance): void {
  app.decorateRequest('dpopJkt', null);
}

/**
 * The preHandler each route that issues tokens declares (RFC 9449 §5: it accepts a DPoP proof,
 * htm POST, htu the endpoint). It checks the DPoP header with the verifier's own proof rules
 * (algs, iat window, the shared replay cache) and remembers the proof key's thumbprint on the
 * request: requestMeta carries it to the services, which bind the tokens they issue to it. A
 * request without a DPoP header goes on as before (Bearer tokens); an invalid proof is refused
 * (invalid_dpop_proof: problem+json 401, the OAuth error JSON 400 at /oauth/token).
 */
export function tokenProofHook(
  verifier: Verifier,
): (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void {
  // Callback style, not async: every login, refresh and token request runs it, most without a
  // proof, and a promise per hook shows.
  return (request, _reply, done) => {
    const header = request.headers.dpop;
    if (header === undefined) return done();
    const checker = verifier.dpop;
    if (checker === undefined) return done(new Error('the access-token verifier has no DPoP checker'));
    Promise.resolve()
      .then(() =>
        checker.check(header, { method: request.method, url: `${request.protocol}://${request.host}${request.url}` }),
      )
      .then(
        (proof) => {
          request.dpopJkt = proof.jkt;
          done();
        },
        (error: unknown) => done(error as Error),
      );
  };
}
