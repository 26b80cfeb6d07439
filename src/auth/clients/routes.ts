import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { namedSchema } from '../../http/openapi.js';
import { toClientView } from './view.js';
import type { AuthServices } from '../services.js';
import { claimsOf } from '../common/request-meta.js';
import {
  Client,
  ClientPatchRequest,
  CreatedClient,
  IdParam,
  NewClientRequest,
  page,
  PAGE_LIMITS,
  PageQuery,
  security,
} from '@bulwark/contract';
import { BULWARK_PERMISSION } from '@bulwark/contract/registry';
import { requirePermission } from '../registry/require-permission.js';

const tags = ['clients'];
/** OAuth 2 client administration: admins only. */
export function registerClientRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const ClientRef = namedSchema(app, Client);
  const { clients } = services;

  app.get(
    '/api/clients',
    {
      onRequest: requirePermission(app, services.permissions, BULWARK_PERMISSION['clients:read']),
      schema: {
        operationId: 'listClients',
        tags,
        summary: 'List OAuth 2 clients',
        security,
        querystring: PageQuery,
        response: { 200: page(ClientRef) },
      },
    },
    async (request) => {
      const result = await clients.list({
        cursor: request.query.cursor,
        limit: request.query.limit ?? PAGE_LIMITS.defaultPageSize,
      });
      return { items: result.items.map(toClientView), next_cursor: result.nextCursor };
    },
  );

  app.post(
    '/api/clients',
    {
      onRequest: requirePermission(app, services.permissions, BULWARK_PERMISSION['clients:write']),
      schema: {
        operationId: 'createClient',
        tags,
        summary: 'Create an OAuth 2 client; its secret is in this answer only',
        security,
        body: NewClientRequest,
        response: { 201: CreatedClient },
      },
    },
    async (request, reply) => {
      const { name, scope, audiences, introspection, jwks, jwks_uri: jwksUri } = request.body;
      const created = await clients.create(
        { name, scope, audiences, introspection, jwks, jwksUri },
        claimsOf(request).sub,
      );
      return reply.status(201).send({
        ...toClientView(created.client),
        ...(created.secret === null ? {} : { client_secret: created.secret }),
      });
    },
  );

  app.patch(
    '/api/clients/:id',
    {
      onRequest: requirePermission(app, services.permissions, BULWARK_PERMISSION['clients:write']),
      schema: {
        operationId: 'updateClient',
        tags,
        summary: 'Disable (or enable) a client; disabling revokes its live tokens',
        security,
        params: IdParam,
        body: ClientPatchRequest,
        response: { 200: ClientRef },
      },
    },
    async (request) =>
      toClientView(await clients.setDisabled(request.params.id, request.body.disabled, claimsOf(request).sub)),
  );

  app.post(
    '/api/clients/:id/rotate-secret',
    {
      onRequest: requirePermission(app, services.permissions, BULWARK_PERMISSION['clients:write']),
      schema: {
        operationId: 'rotateClientSecret',
        tags,
        summary: 'A new secret, in this answer only; the old one and its tokens stop working',
        security,
        params: IdParam,
        response: { 200: CreatedClient },
      },
    },
    async (request) => {
      const rotated = await clients.rotateSecret(request.params.id, claimsOf(request).sub);
      return { ...toClientView(rotated.client), client_secret: rotated.secret ?? undefined };
    },
  );
}
