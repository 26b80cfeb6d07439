import type { FastifyInstance } from 'fastify';
import type { AuthServices } from '../services.js';
import { ROLE_SCOPES } from '../scopes.js';

const tags = ['discovery'];

/** JWKS and RFC 8414 / OpenID discovery metadata: public, cacheable. */
export function registerWellKnownRoutes(app: FastifyInstance, services: AuthServices): void {
  const { config } = services;
  const maxAge = `public, max-age=${config.jwksMaxAgeSeconds}, stale-while-revalidate=${config.jwksMaxAgeSeconds}`;

  app.get('/.well-known/jwks.json', { schema: { operationId: 'getJwks', tags, summary: 'Public signing keys (JWKS)', security: [] } }, async (_request, reply) => {
    reply.header('cache-control', maxAge);
    return reply.type('application/jwk-set+json').send(services.keys.jwks());
  });

  const metadata = () => ({
    issuer: config.issuer,
    jwks_uri: `${config.issuer}/.well-known/jwks.json`,
    token_endpoint: `${config.issuer}/api/users-sessions`,
    grant_types_supported: ['password', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['none'],
    response_types_supported: ['token'],
    subject_types_supported: ['public'],
    scopes_supported: [...new Set(Object.values(ROLE_SCOPES).flat())],
    id_token_signing_alg_values_supported: [config.signingAlg],
    access_token_signing_alg_values_supported: [config.signingAlg],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'sid', 'client_id', 'scope', 'role', 'employee_id'],
  });
  const discovery = { '/.well-known/openid-configuration': 'getOpenIdConfiguration', '/.well-known/oauth-authorization-server': 'getAuthorizationServerMetadata' };
  for (const [path, operationId] of Object.entries(discovery)) {
    app.get(path, { schema: { operationId, tags, summary: 'Discovery metadata (RFC 8414)', security: [] } }, async (_request, reply) => {
      reply.header('cache-control', maxAge);
      return metadata();
    });
  }
}
