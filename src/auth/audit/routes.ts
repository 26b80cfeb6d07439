import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { namedSchema } from '../../http/openapi.js';
import type { AuthServices } from '../services.js';
import { AuditEvent, closed, page, PAGE_LIMITS, PageParams, security } from '@bulwark/contract';
import { toAuditEventView } from '../common/views.js';


/** The audit log: admins only. */
export function registerAuditRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const adminOnly = app.requireAuth({ roles: ['admin'] });
  const AuditEventRef = namedSchema(app, AuditEvent);

  app.get('/api/audit-events', {
    onRequest: adminOnly,
    schema: { operationId: 'listAuditEvents', tags: ['audit'], summary: 'Security and admin events, newest first', security, querystring: Type.Object({ type: Type.Optional(Type.String({ maxLength: 64 })), actor: Type.Optional(Type.String({ maxLength: 64 })), ...PageParams }, closed), response: { 200: page(AuditEventRef) } },
  }, async (request) => {
    const result = await services.store.audit.list({ type: request.query.type, actorId: request.query.actor }, { cursor: request.query.cursor, limit: request.query.limit ?? PAGE_LIMITS.defaultPageSize });
    return { items: result.items.map(toAuditEventView), next_cursor: result.nextCursor };
  });
}
