import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HTTP_LIMITS } from '../../http/limits.js';
import { namedSchema } from '../../http/openapi.js';
import { CLIENT_LIMITS } from './client-input.js';
import { toClientView } from './view.js';
import type { AuthServices } from '../services.js';
import { claimsOf } from '../common/request-meta.js';
import { IdParam, PageQuery, page } from '../common/schemas.js';

const tags = ['clients'];
const security = [{ bearer: [] }];
const closed = { additionalProperties: false } as const;
const DateTime = Type.String({ format: 'date-time' });

const Client = Type.Object({
  client_id: Type.String(),
  name: Type.String(),
  auth_method: Type.Union([Type.Literal('client_secret'), Type.Literal('private_key_jwt')], { description: '`client_secret`: client_secret_basic or client_secret_post; `private_key_jwt`: RFC 7523 assertions signed with its keys' }),
  scope: Type.String({ description: 'the scopes it may ask for, space separated' }),
  audiences: Type.Array(Type.String(), { description: 'the audiences (RFC 8707 resources) its tokens may name; the first is the default' }),
  introspection: Type.Boolean({ description: 'may call the introspection endpoint' }),
  jwks_uri: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
  created_at: DateTime,
  updated_at: DateTime,
  secret_issued_at: DateTime,
}, { $id: 'Client', description: 'An OAuth 2 client (a machine): never its secret or its keys.' });

const CreatedClient = Type.Object({
  ...Client.properties,
  client_secret: Type.Optional(Type.String({ description: 'Shown this once (secret clients): only its hash is stored.' })),
}, { description: 'The new client, with its secret once.' });

const NewClientRequest = Type.Object({
  name: Type.String({ minLength: 1, maxLength: CLIENT_LIMITS.nameLength }),
  scope: Type.String({ minLength: 1, maxLength: 2048, description: 'space separated: payroll:read, or scopes of other APIs' }),
  audiences: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: CLIENT_LIMITS.uriLength }), { maxItems: CLIENT_LIMITS.audiences })),
  introspection: Type.Optional(Type.Boolean()),
  jwks: Type.Optional(Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: CLIENT_LIMITS.keys }) }, { description: 'public keys: the client authenticates with private_key_jwt' })),
  jwks_uri: Type.Optional(Type.String({ minLength: 1, maxLength: CLIENT_LIMITS.uriLength, description: 'https (http only to loopback): where its public keys are' })),
}, closed);

const ClientPatchRequest = Type.Object({ disabled: Type.Boolean({ description: 'true: no new tokens, and the live ones are revoked' }) }, closed);

/** OAuth 2 client administration: admins only. */
export function registerClientRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const adminOnly = app.requireAuth({ roles: ['admin'] });
  const ClientRef = namedSchema(app, Client);
  const { clients } = services;

  app.get('/api/clients', {
    onRequest: adminOnly,
    schema: { operationId: 'listClients', tags, summary: 'List OAuth 2 clients', security, querystring: PageQuery, response: { 200: page(ClientRef) } },
  }, async (request) => {
    const result = await clients.list({ cursor: request.query.cursor, limit: request.query.limit ?? HTTP_LIMITS.defaultPageSize });
    return { items: result.items.map(toClientView), next_cursor: result.nextCursor };
  });

  app.post('/api/clients', {
    onRequest: adminOnly,
    schema: { operationId: 'createClient', tags, summary: 'Create an OAuth 2 client; its secret is in this answer only', security, body: NewClientRequest, response: { 201: CreatedClient } },
  }, async (request, reply) => {
    const { name, scope, audiences, introspection, jwks, jwks_uri: jwksUri } = request.body;
    const created = await clients.create({ name, scope, audiences, introspection, jwks, jwksUri }, claimsOf(request).sub);
    return reply.status(201).send({ ...toClientView(created.client), ...(created.secret === null ? {} : { client_secret: created.secret }) });
  });

  app.patch('/api/clients/:id', {
    onRequest: adminOnly,
    schema: { operationId: 'updateClient', tags, summary: 'Disable (or enable) a client; disabling revokes its live tokens', security, params: IdParam, body: ClientPatchRequest, response: { 200: ClientRef } },
  }, async (request) => toClientView(await clients.setDisabled(request.params.id, request.body.disabled, claimsOf(request).sub)));

  app.post('/api/clients/:id/rotate-secret', {
    onRequest: adminOnly,
    schema: { operationId: 'rotateClientSecret', tags, summary: 'A new secret, in this answer only; the old one and its tokens stop working', security, params: IdParam, response: { 200: CreatedClient } },
  }, async (request) => {
    const rotated = await clients.rotateSecret(request.params.id, claimsOf(request).sub);
    return { ...toClientView(rotated.client), client_secret: rotated.secret ?? undefined };
  });
}
