import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError } from '../../errors/index.js';
import { namedSchema, noContent } from '../../http/openapi.js';
import type { AuthServices } from '../services.js';
import { claimsOf, requestMeta } from '../common/request-meta.js';
import {
  BULWARK_PERMISSION,
  closed,
  IdParam,
  page,
  PAGE_LIMITS,
  PageParams,
  security,
  Session,
} from '@bulwark/contract';
import { toSessionView } from '../common/views.js';
import { requirePermission } from '../registry/require-permission.js';

const revoked = noContent('Revoked');

/** Every user's sessions: holders of sessions:read / sessions:write at Bulwark's API (contract §15.2). */
export function registerAdminSessionRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const read = requirePermission(app, services.permissions, BULWARK_PERMISSION['sessions:read']);
  const write = requirePermission(app, services.permissions, BULWARK_PERMISSION['sessions:write']);
  const SessionRef = namedSchema(app, Session);

  app.get(
    '/api/sessions',
    {
      onRequest: read,
      schema: {
        operationId: 'listSessions',
        tags: ['sessions'],
        summary: 'List sessions',
        security,
        querystring: Type.Object({ user_id: Type.Optional(Type.String({ maxLength: 64 })), ...PageParams }, closed),
        response: { 200: page(SessionRef) },
      },
    },
    async (request) => {
      const result = await services.store.sessions.list(
        { userId: request.query.user_id },
        { cursor: request.query.cursor, limit: request.query.limit ?? PAGE_LIMITS.defaultPageSize },
      );
      return { items: result.items.map(toSessionView), next_cursor: result.nextCursor };
    },
  );

  app.delete(
    '/api/sessions/:id',
    {
      onRequest: write,
      schema: {
        operationId: 'revokeSession',
        tags: ['sessions'],
        summary: 'Revoke a session and its live access tokens',
        security,
        params: IdParam,
        response: { 204: revoked },
      },
    },
    async (request, reply) => {
      const session = await services.store.sessions.findById(request.params.id);
      if (session === undefined) throw new NotFoundError('session');
      await services.sessions.revokeSession(session.id, 'admin');
      await services.audit.record('session.revoked', {
        actorId: claimsOf(request).sub,
        targetId: session.id,
        ip: requestMeta(request).ip,
      });
      return reply.status(204).send();
    },
  );

  app.delete(
    '/api/users/:id/sessions',
    {
      onRequest: write,
      schema: {
        operationId: 'revokeUserSessions',
        tags: ['sessions'],
        summary: 'Revoke every session and live access token of a user',
        security,
        params: IdParam,
        response: { 204: revoked },
      },
    },
    async (request, reply) => {
      const user = await services.users.get(request.params.id);
      const count = await services.sessions.revokeAllSessions(user.id, 'admin');
      await services.revocations.revokeUser(user.id, 'admin');
      await services.audit.record('sessions.revoked', {
        actorId: claimsOf(request).sub,
        targetId: user.id,
        ip: requestMeta(request).ip,
        details: { sessions_revoked: count },
      });
      return reply.status(204).send();
    },
  );
}
