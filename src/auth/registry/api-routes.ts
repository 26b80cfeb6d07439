import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  Api,
  ApiPatchRequest,
  BULWARK_PERMISSION,
  IdParam,
  NewApiRequest,
  page,
  PAGE_LIMITS,
  PageQuery,
  security,
} from '@bulwark/contract';
import { namedSchema, noContent } from '../../http/openapi.js';
import { claimsOf } from '../common/request-meta.js';
import type { AuthServices } from '../services.js';
import { requirePermission } from './require-permission.js';
import { toApiView } from './views.js';

const tags = ['apis'];

/** The APIs (resource servers) tokens are issued for: `apis:read` / `apis:write` at Bulwark's API. */
export function registerApiRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const ApiRef = namedSchema(app, Api);
  const { registry } = services;
  const read = requirePermission(app, services.permissions, BULWARK_PERMISSION['apis:read']);
  const write = requirePermission(app, services.permissions, BULWARK_PERMISSION['apis:write']);

  app.get(
    '/api/apis',
    {
      onRequest: read,
      schema: {
        operationId: 'listApis',
        tags,
        summary: 'List registered APIs',
        security,
        querystring: PageQuery,
        response: { 200: page(ApiRef) },
      },
    },
    async (request) => {
      const result = await registry.listApis({
        cursor: request.query.cursor,
        limit: request.query.limit ?? PAGE_LIMITS.defaultPageSize,
      });
      return { items: result.items.map(toApiView), next_cursor: result.nextCursor };
    },
  );

  app.post(
    '/api/apis',
    {
      onRequest: write,
      schema: {
        operationId: 'createApi',
        tags,
        summary: "Register an API: its identifier (the tokens' aud), permissions, token lifetime and attribute claims",
        security,
        body: NewApiRequest,
        response: { 201: ApiRef },
      },
    },
    async (request, reply) => {
      const { identifier, name, permissions, access_token_ttl: ttl, claims } = request.body;
      const api = await registry.createApi(
        { identifier, name, permissions, accessTokenTtlSeconds: ttl, claims },
        claimsOf(request).sub,
      );
      return reply.status(201).send(toApiView(api));
    },
  );

  app.get(
    '/api/apis/:id',
    {
      onRequest: read,
      schema: {
        operationId: 'getApi',
        tags,
        summary: 'Read a registered API',
        security,
        params: IdParam,
        response: { 200: ApiRef },
      },
    },
    async (request) => toApiView(await registry.getApi(request.params.id)),
  );

  app.patch(
    '/api/apis/:id',
    {
      onRequest: write,
      schema: {
        operationId: 'updateApi',
        tags,
        summary: "Change an API's name, permissions, token lifetime or claims (its identifier never changes)",
        security,
        params: IdParam,
        body: ApiPatchRequest,
        response: { 200: ApiRef },
      },
    },
    async (request) => {
      const { name, permissions, access_token_ttl: ttl, claims } = request.body;
      const api = await registry.updateApi(
        request.params.id,
        { name, permissions, accessTokenTtlSeconds: ttl, claims },
        claimsOf(request).sub,
      );
      return toApiView(api);
    },
  );

  app.delete(
    '/api/apis/:id',
    {
      onRequest: write,
      schema: {
        operationId: 'deleteApi',
        tags,
        summary: 'Delete an API no role or client holds permissions of',
        security,
        params: IdParam,
        response: { 204: noContent('Deleted') },
      },
    },
    async (request, reply) => {
      await registry.deleteApi(request.params.id, claimsOf(request).sub);
      return reply.status(204).send();
    },
  );
}
