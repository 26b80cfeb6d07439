import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registerOAuthErrorHandler } from './error-answer.js';
import type { FormParams } from './params.js';
import { requiredParam } from './params.js';
import { oauthEndpoints } from './services.js';
import type { AuthServices } from '../services.js';
import { requestMeta } from '../common/request-meta.js';
import { tokenProofHook } from '../dpop/token-proof.js';

/** Every parameter a string, or a list when repeated (RFC 8707 resource); unknown ones are ignored (RFC 6749 §3.1). */
const FormBody = {
  type: 'object',
  additionalProperties: {
    anyOf: [
      { type: 'string', maxLength: 8192 },
      { type: 'array', items: { type: 'string', maxLength: 8192 }, maxItems: 10 },
    ],
  },
} as const;

/**
 * The OAuth 2 endpoints for machines: token (RFC 6749), introspection (RFC 7662) and revocation
 * (RFC 7009). In a scope of their own: form bodies only (JSON stays for the rest of the API), and
 * errors in the RFCs' format. Left out of the OpenAPI document: the RFC 8414 metadata describes them.
 */
export async function registerOAuthRoutes(parent: FastifyInstance, services: AuthServices): Promise<void> {
  await parent.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    await scope.register(formbody, { bodyLimit: 16 * 1024 });
    registerOAuthErrorHandler(scope);
    const endpoints = oauthEndpoints(services.config.issuer);
    const { oauth } = services;
    const schema = { hide: true, body: FormBody };
    const params = (request: FastifyRequest): FormParams => request.body as FormParams;
    const authorization = (request: FastifyRequest): string | undefined => request.headers.authorization;
    const noStore = (reply: FastifyReply): FastifyReply =>
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

    scope.post('/oauth/token', { schema, preHandler: tokenProofHook(services.verifier) }, async (request, reply) => {
      const answer = await oauth.tokens.handle({
        params: params(request),
        authorization: authorization(request),
        meta: requestMeta(request),
      });
      return noStore(reply).status(200).send(answer);
    });

    scope.post('/oauth/introspect', { schema }, async (request, reply) => {
      const token = requiredParam(params(request), 'token');
      const caller = await oauth.identify(
        authorization(request),
        params(request),
        endpoints.introspection,
        request.ip ?? null,
      );
      return noStore(reply)
        .status(200)
        .send(await oauth.introspection.introspect(caller, token));
    });

    scope.post('/oauth/revoke', { schema }, async (request, reply) => {
      const token = requiredParam(params(request), 'token');
      const caller = await oauth.identify(
        authorization(request),
        params(request),
        endpoints.revocation,
        request.ip ?? null,
      );
      await oauth.revocation.revoke(caller, token, requestMeta(request));
      return noStore(reply).status(200).send();
    });
  });
}
