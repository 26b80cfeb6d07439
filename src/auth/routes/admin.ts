import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError } from '../../errors/index.js';
import { HTTP_LIMITS } from '../../http/limits.js';
import { namedSchema, noContent } from '../../http/openapi.js';
import type { AuthServices } from '../services.js';
import { claimsOf, requestMeta } from './request-meta.js';
import { AuditEvent, IdParam, Key, page, PageParams, Session } from './schemas.js';
import { toAuditEventView, toKeyView, toSessionView } from './views.js';

const security = [{ bearer: [] }];
const revoked = noContent('Revoked');
const RotateRequest = Type.Object({
  now: Type.Optional(Type.Boolean({ description: 'true: the new key (or the pending next key) signs at once; the previous key retires and keeps verifying' })),
  revoke_current: Type.Optional(Type.Boolean({ description: 'with now: the previous key is removed at once and stops verifying (emergency)' })),
}, { additionalProperties: false, description: 'Optional. Without a body: a next key, published now, signing after the JWKS max-age plus 5 s (every instance publishes it first).' });
const closed = { additionalProperties: false } as const;

/** Sessions, keys and the audit log: admins only. */
export function registerAdminRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const adminOnly = app.requireAuth({ roles: ['admin'] });
  const SessionRef = namedSchema(app, Session);
  const KeyRef = namedSchema(app, Key);
  const AuditEventRef = namedSchema(app, AuditEvent);

  app.get('/api/sessions', {
    onRequest: adminOnly,
    schema: { operationId: 'listSessions', tags: ['sessions'], summary: 'List sessions', security, querystring: Type.Object({ user_id: Type.Optional(Type.String({ maxLength: 64 })), ...PageParams }, closed), response: { 200: page(SessionRef) } },
  }, async (request) => {
    const result = await services.store.sessions.list({ userId: request.query.user_id }, { cursor: request.query.cursor, limit: request.query.limit ?? HTTP_LIMITS.defaultPageSize });
    return { items: result.items.map(toSessionView), next_cursor: result.nextCursor };
  });

  app.delete('/api/sessions/:id', {
    onRequest: adminOnly,
    schema: { operationId: 'revokeSession', tags: ['sessions'], summary: 'Revoke a session and its live access tokens', security, params: IdParam, response: { 204: revoked } },
  }, async (request, reply) => {
    const session = await services.store.sessions.findById(request.params.id);
    if (session === undefined) throw new NotFoundError('session');
    await services.sessions.revokeSession(session.id, 'admin');
    await services.audit.record('session.revoked', { actorId: claimsOf(request).sub, targetId: session.id, ip: requestMeta(request).ip });
    return reply.status(204).send();
  });

  app.delete('/api/users/:id/sessions', {
    onRequest: adminOnly,
    schema: { operationId: 'revokeUserSessions', tags: ['sessions'], summary: 'Revoke every session and live access token of a user', security, params: IdParam, response: { 204: revoked } },
  }, async (request, reply) => {
    const user = await services.users.get(request.params.id);
    const count = await services.sessions.revokeAllSessions(user.id, 'admin');
    await services.revocations.revokeUser(user.id, 'admin');
    await services.audit.record('sessions.revoked', { actorId: claimsOf(request).sub, targetId: user.id, ip: requestMeta(request).ip, details: { sessions_revoked: count } });
    return reply.status(204).send();
  });

  app.get('/api/keys', {
    onRequest: adminOnly,
    schema: { operationId: 'listKeys', tags: ['keys'], summary: 'Signing keys and their lifecycle (public parts only)', security, response: { 200: Type.Object({ items: Type.Array(KeyRef) }) } },
  }, async () => ({ items: (await services.keys.list()).map(toKeyView) }));

  app.post('/api/keys/rotate', {
    onRequest: adminOnly,
    // No body at all means the default rotation: validate it as the empty object it means.
    preValidation: async (request) => {
      request.body ??= {};
    },
    schema: { operationId: 'rotateKey', tags: ['keys'], summary: 'Rotate: a next key (published, signing after the JWKS max-age plus 5 s; 409 if one is waiting), or with now=true a new active key at once', security, body: RotateRequest, response: { 201: KeyRef } },
  }, async (request, reply) => {
    const { now, revoke_current: revokeCurrent } = request.body;
    const key = await services.keys.rotate({ now, revokeCurrent });
    const mode = revokeCurrent === true ? 'now_revoke_current' : now === true ? 'now' : 'next';
    await services.audit.record('key.rotated', { actorId: claimsOf(request).sub, targetId: key.kid, ip: requestMeta(request).ip, details: { mode } });
    return reply.status(201).send(toKeyView(key));
  });

  app.get('/api/audit-events', {
    onRequest: adminOnly,
    schema: { operationId: 'listAuditEvents', tags: ['audit'], summary: 'Security and admin events, newest first', security, querystring: Type.Object({ type: Type.Optional(Type.String({ maxLength: 64 })), actor: Type.Optional(Type.String({ maxLength: 64 })), ...PageParams }, closed), response: { 200: page(AuditEventRef) } },
  }, async (request) => {
    const result = await services.store.audit.list({ type: request.query.type, actorId: request.query.actor }, { cursor: request.query.cursor, limit: request.query.limit ?? HTTP_LIMITS.defaultPageSize });
    return { items: result.items.map(toAuditEventView), next_cursor: result.nextCursor };
  });
}
