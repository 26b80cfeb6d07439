import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { namedSchema } from '../../http/openapi.js';
import type { AuthServices } from '../services.js';
import { AuditEvent, closed, page, PAGE_LIMITS, PageParams, security } from '@bulwark/contract';
import { toAuditEventView } from '../common/views.js';
import { BULWARK_PERMISSION } from '@bulwark/contract/registry';
import { requirePermission } from '../registry/require-permission.js';

const instantParam = (description: string) =>
  Type.Optional(Type.String({ format: 'date-time', maxLength: 40, description }));

const AuditQuery = Type.Object(
  {
    type: Type.Optional(Type.String({ maxLength: 64 })),
    actor: Type.Optional(Type.String({ maxLength: 64, description: 'the acting user id' })),
    since: instantParam('events at or after this RFC 3339 time'),
    before: instantParam('events before this RFC 3339 time'),
    ...PageParams,
  },
  closed,
);

/** An RFC 3339 time the schema let through, as milliseconds. */
function instant(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Date.parse(value);
}

/** The audit log: admins only. */
export function registerAuditRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const AuditEventRef = namedSchema(app, AuditEvent);

  app.get(
    '/api/audit-events',
    {
      onRequest: requirePermission(app, services.permissions, BULWARK_PERMISSION['audit:read']),
      schema: {
        operationId: 'listAuditEvents',
        tags: ['audit'],
        summary: 'Security and admin events, newest first',
        security,
        querystring: AuditQuery,
        response: { 200: page(AuditEventRef) },
      },
    },
    async (request) => {
      const { type, actor, since, before } = request.query;
      const result = await services.store.audit.list(
        { type, actorId: actor, since: instant(since), before: instant(before) },
        { cursor: request.query.cursor, limit: request.query.limit ?? PAGE_LIMITS.defaultPageSize },
      );
      return { items: result.items.map(toAuditEventView), next_cursor: result.nextCursor };
    },
  );
}
