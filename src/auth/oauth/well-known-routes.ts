import type { FastifyInstance } from 'fastify';
import { PUBLIC_KEY_ALGS } from '@bulwark/guard/jose';
import { DPOP_ALGS } from '@bulwark/guard';
import { GRANT_TYPES } from './token-endpoint.js';
import { oauthEndpoints } from './services.js';
import type { RegistryCache } from '../registry/registry-cache.js';
import type { RegistryView } from '../registry/registry-view.js';
import type { AuthServices } from '../services.js';

const tags = ['discovery'];

/** Client authentication at the endpoints (RFC 7591 names); `none` is the first party's public client. */
const CONFIDENTIAL_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
const PUBLIC_AUTH_METHODS = [...CONFIDENTIAL_AUTH_METHODS, 'none'];

/**
 * RFC 8414 metadata: only what works. No authorization endpoint, so no response types
 * (response_types_supported is omitted: §3.2 forbids an empty array, erratum 7793), no ID token,
 * no userinfo: hence no OpenID Provider configuration either (/.well-known/openid-configuration
 * answers 404, as for any path that is not served).
 */
export function authorizationServerMetadata(issuer: string, scopes: readonly string[]): Record<string, unknown> {
  const endpoints = oauthEndpoints(issuer);
  const algs = [...PUBLIC_KEY_ALGS];
  return {
    issuer,
    token_endpoint: endpoints.token,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    scopes_supported: scopes,
    grant_types_supported: [...GRANT_TYPES],
    token_endpoint_auth_methods_supported: PUBLIC_AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: algs,
    service_documentation: `${issuer}/docs`,
    revocation_endpoint: endpoints.revocation,
    revocation_endpoint_auth_methods_supported: PUBLIC_AUTH_METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: algs,
    introspection_endpoint: endpoints.introspection,
    introspection_endpoint_auth_methods_supported: CONFIDENTIAL_AUTH_METHODS,
    introspection_endpoint_auth_signing_alg_values_supported: algs,
    // RFC 9449 §5.1: DPoP proofs are accepted at the token endpoint (and the first-party login and refresh).
    dpop_signing_alg_values_supported: [...DPOP_ALGS],
  };
}

/** JWKS and RFC 8414 metadata: public, cacheable. */
export function registerWellKnownRoutes(app: FastifyInstance, services: AuthServices): void {
  const { config } = services;
  const maxAge = `public, max-age=${config.jwksMaxAgeSeconds}, stale-while-revalidate=${config.jwksMaxAgeSeconds}`;

  app.get(
    '/.well-known/jwks.json',
    { schema: { operationId: 'getJwks', tags, summary: 'Public signing keys (JWKS)', security: [] } },
    async (_request, reply) => {
      reply.header('cache-control', maxAge);
      return reply.type('application/jwk-set+json').send(services.keys.jwks());
    },
  );

  const metadata = registryMetadata(config.issuer, services.registry.cache);
  app.get(
    '/.well-known/oauth-authorization-server',
    {
      schema: {
        operationId: 'getAuthorizationServerMetadata',
        tags,
        summary: 'Authorization server metadata (RFC 8414)',
        security: [],
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', maxAge);
      return metadata();
    },
  );
}

/** Every permission of every registered API, sorted (RFC 8414 scopes_supported). */
function scopesOf(view: RegistryView): string[] {
  return [...new Set(view.apis.flatMap((api) => api.permissions.map((p) => p.name)))].sort();
}

/**
 * The metadata document, rebuilt when the registry's version changes. While the registry cannot
 * be read (its store down) the last document is served: it guards nothing, and a client that
 * discovers the server during an outage gets what was true a moment ago rather than a 503.
 */
function registryMetadata(issuer: string, cache: RegistryCache): () => Promise<Record<string, unknown>> {
  let last: { version: number; document: Record<string, unknown> } | undefined;
  return async () => {
    let view: RegistryView;
    try {
      view = await cache.current();
    } catch (error) {
      if (last !== undefined) return last.document;
      throw error;
    }
    if (last?.version !== view.version)
      last = { version: view.version, document: authorizationServerMetadata(issuer, scopesOf(view)) };
    return last.document;
  };
}
