import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TSchema, type TUnsafe } from 'typebox';
import type { Config } from '../config/index.js';
import { Problem } from '@bulwark/contract';
import { PROBLEM_CODE, PROBLEMS, type ProblemCode } from '@bulwark/contract/registry';

const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
const problemResponse = (description: string, headers?: Record<string, unknown>) => ({
  description,
  content: problemContent,
  ...(headers === undefined ? {} : { headers }),
});
const C = PROBLEM_CODE;
const challenge = {
  'WWW-Authenticate': {
    description: `RFC 6750 §3: Bearer realm="bulwark" alone when no token was sent; error="${C.invalid_token}" for a bad or expired one; error="insufficient_scope", scope="…" on a 403 for a missing scope; error="${C.insufficient_user_authentication}" (RFC 9470) when a second factor is needed; DPoP error="${C.invalid_dpop_proof}" for a DPoP-bound token`,
    schema: { type: 'string' },
  },
};

/** `code (status)` for each registered code the predicate picks, in the registry's order. */
const codesWhere = (pick: (code: ProblemCode, status: number) => boolean) =>
  (Object.keys(PROBLEMS) as ProblemCode[])
    .filter((code) => pick(code, PROBLEMS[code].status))
    .map((code) => `${code} (${PROBLEMS[code].status})`)
    .join(', ');

/** The answers every operation may give, added where a route does not describe its own. */
const COMMON_RESPONSES: Record<string, unknown> = {
  '4XX': problemResponse(
    `Invalid input or a transport limit: ${codesWhere((code, status) => status >= 400 && status < 500 && status !== 401 && status !== 429 && code !== C.forbidden)}.`,
  ),
  '429': problemResponse(`${C.too_many_requests}: a rate limit was reached.`, {
    'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } },
  }),
  '503': problemResponse(`${C.service_unavailable}: ${PROBLEMS.service_unavailable.meaning}`, {
    'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
  }),
};
const SECURED_RESPONSES: Record<string, unknown> = {
  '401': problemResponse(`${C.invalid_token}, or ${C.token_expired} (refresh, then retry).`, challenge),
  '403': problemResponse(`${C.forbidden}: ${PROBLEMS.forbidden.meaning}`, challenge),
};

type Operation = { security?: unknown[]; responses?: Record<string, unknown> };

/** Public operations declare `security: []`; the others name the bearer scheme. */
const isSecured = (operation: Operation) => (operation.security?.length ?? 0) > 0;

/** Adds the common problem answers to every operation of the generated document. */
function withProblemResponses<T extends object>(document: T): T {
  const { paths } = document as { paths?: Record<string, Record<string, unknown>> };
  for (const item of Object.values(paths ?? {})) {
    for (const operation of Object.values(item) as Operation[]) {
      if (typeof operation !== 'object' || operation === null) continue;
      const responses = (operation.responses ??= {});
      const extra = isSecured(operation) ? { ...SECURED_RESPONSES, ...COMMON_RESPONSES } : COMMON_RESPONSES;
      for (const [status, response] of Object.entries(extra)) responses[status] ??= response;
    }
  }
  return document;
}

/**
 * OpenAPI 3.1 generated from the same TypeBox schemas that validate requests and responses,
 * served at /openapi.json, with Swagger UI at /docs. Register before the routes.
 */
export async function registerOpenApi(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Bulwark',
        version: '1.0.0',
        description:
          'Token service (login, refresh rotation, revocation, keys) and the payroll API built on the Bulwark guard.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      // Relative: "Try it out" calls the address the page was opened at (127.0.0.1 or localhost,
      // or a proxy's name), never another origin that CORS would refuse.
      servers: [{ url: '/', description: `this server (tokens are issued by ${config.issuer})` }],
      components: {
        schemas: { Problem },
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'An access token from POST /api/users-sessions',
          },
        },
      },
    },
    // A shared schema (namedSchema) is a component under its own $id, not `def-N`.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
    transformObject: (document) =>
      'openapiObject' in document ? withProblemResponses(document.openapiObject) : document.swaggerObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { persistAuthorization: false } });
  app.get(
    '/openapi.json',
    {
      schema: {
        operationId: 'getOpenApiDocument',
        tags: ['discovery'],
        summary: 'This OpenAPI document',
        security: [],
        response: { 200: { description: 'OpenAPI 3.1', type: 'object', additionalProperties: true } },
      },
    },
    async () => app.swagger(),
  );
}

/**
 * A named schema: registered on the app once (it becomes `#/components/schemas/<$id>` in the
 * OpenAPI document) and returned as a reference to it, typed as the schema itself.
 */
export function namedSchema<T extends TSchema>(app: FastifyInstance, schema: T): TUnsafe<Static<T>> {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== 'string') throw new Error('a named schema needs an $id');
  if (app.getSchema(id) === undefined) app.addSchema(schema);
  return Type.Unsafe<Static<T>>({ $ref: `${id}#` });
}

/** A 204 answer: documented without content; typed so that the handler sends nothing. */
export function noContent(description: string): TUnsafe<undefined> {
  return Type.Unsafe<undefined>({ type: 'null', description });
}
