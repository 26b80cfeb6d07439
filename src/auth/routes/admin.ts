import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError } from '../../errors/index.js';
import { HTTP_LIMITS } from '../../http/limits.js';
import type { SessionRecord } from '../../store/types.js';
import type { KeyInfo } from '../keys/key-info.js';
import type { AuthServices } from '../services.js';
import { claimsOf, requestMeta } from './request-meta.js';
import { IdParam, page } from './schemas.js';

const security = [{ bearer: [] }];
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const NullableDate = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

const Session = Type.Object({
  id: Type.String(), user_id: Type.String(), created_at: Type.String(), expires_at: Type.String(),
  last_refreshed_at: NullableDate, revoked_at: NullableDate, revoked_reason: Type.Union([Type.String(), Type.Null()]),
});
const Key = Type.Object({
  kid: Type.String(), alg: Type.String(), state: Type.String(), created_at: Type.String(),
  activated_at: NullableDate, retired_at: NullableDate, removed_at: NullableDate,
  signs_from: NullableDate,
});
const RotateRequest = Type.Object({
  now: Type.Optional(Type.Boolean({ description: 'true: the new key (or the pending next key) signs at once; the previous key retires and keeps verifying' })),
  revoke_current: Type.Optional(Type.Boolean({ description: 'with now: the previous key is removed at once and stops verifying (emergency)' })),
}, { additionalProperties: false, description: 'Optional. Without a body: a next key, published now, signing after the JWKS max-age plus 5 s (every instance publishes it first).' });
const AuditEvent = Type.Object({
  id: Type.String(), at: Type.String(), type: Type.String(), actor_id: Type.Union([Type.String(), Type.Null()]),
  target_id: Type.Union([Type.String(), Type.Null()]), ip: Type.Union([Type.String(), Type.Null()]), details: Type.Record(Type.String(), Type.Unknown()),
});
const Cursor = { cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) };
const closed = { additionalProperties: false } as const;

const sessionView = (s: SessionRecord) => ({
  id: s.id, user_id: s.userId, created_at: new Date(s.createdAt).toISOString(), expires_at: new Date(s.expiresAt).toISOString(),
  last_refreshed_at: iso(s.lastRefreshedAt), revoked_at: iso(s.revokedAt), revoked_reason: s.revokedReason,
});
const keyView = (k: KeyInfo) => ({
  kid: k.kid, alg: k.alg, state: k.state, created_at: new Date(k.createdAt).toISOString(),
  activated_at: iso(k.activatedAt), retired_at: iso(k.retiredAt), removed_at: iso(k.removedAt), signs_from: iso(k.signsFrom),
});

/** Sessions, keys and the audit log: admins only. */
export function registerAdminRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const adminOnly = app.requireAuth({ roles: ['admin'] });

  app.get('/api/sessions', {
    onRequest: adminOnly,
    schema: { tags: ['sessions'], summary: 'List sessions', security, querystring: Type.Object({ user_id: Type.Optional(Type.String({ maxLength: 64 })), ...Cursor }, closed), response: { 200: page(Session) } },
  }, async (request) => {
    const result = await services.store.sessions.list({ userId: request.query.user_id }, { cursor: request.query.cursor, limit: request.query.limit ?? HTTP_LIMITS.defaultPageSize });
    return { items: result.items.map(sessionView), next_cursor: result.nextCursor };
  });

  app.delete('/api/sessions/:id', {
    onRequest: adminOnly,
    schema: { tags: ['sessions'], summary: 'Revoke a session and its live access tokens', security, params: IdParam },
  }, async (request, reply) => {
    const session = await services.store.sessions.findById(request.params.id);
    if (session === undefined) throw new NotFoundError('session');
    await services.sessions.revokeSession(session.id, 'admin');
    await services.audit.record('session.revoked', { actorId: claimsOf(request).sub, targetId: session.id, ip: requestMeta(request).ip });
    return reply.status(204).send();
  });

  app.delete('/api/users/:id/sessions', {
    onRequest: adminOnly,
    schema: { tags: ['sessions'], summary: 'Revoke every session and live access token of a user', security, params: IdParam },
  }, async (request, reply) => {
    const user = await services.users.get(request.params.id);
    const count = await services.sessions.revokeAllSessions(user.id, 'admin');
    await services.revocations.revokeUser(user.id, 'admin');
    await services.audit.record('sessions.revoked', { actorId: claimsOf(request).sub, targetId: user.id, ip: requestMeta(request).ip, details: { sessions_revoked: count } });
    return reply.status(204).send();
  });

  app.get('/api/keys', {
    onRequest: adminOnly,
    schema: { tags: ['keys'], summary: 'Signing keys and their lifecycle (public parts only)', security, response: { 200: Type.Object({ items: Type.Array(Key) }) } },
  }, async () => ({ items: (await services.keys.list()).map(keyView) }));

  app.post('/api/keys/rotate', {
    onRequest: adminOnly,
    // No body at all means the default rotation: validate it as the empty object it means.
    preValidation: async (request) => {
      request.body ??= {};
    },
    schema: { tags: ['keys'], summary: 'Rotate: a next key (published, signing after the JWKS max-age plus 5 s; 409 if one is waiting), or with now=true a new active key at once', security, body: RotateRequest, response: { 201: Key } },
  }, async (request, reply) => {
    const { now, revoke_current: revokeCurrent } = request.body;
    const key = await services.keys.rotate({ now, revokeCurrent });
    const mode = revokeCurrent === true ? 'now_revoke_current' : now === true ? 'now' : 'next';
    await services.audit.record('key.rotated', { actorId: claimsOf(request).sub, targetId: key.kid, ip: requestMeta(request).ip, details: { mode } });
    return reply.status(201).send(keyView(key));
  });

  app.get('/api/audit-events', {
    onRequest: adminOnly,
    schema: { tags: ['audit'], summary: 'Security and admin events, newest first', security, querystring: Type.Object({ type: Type.Optional(Type.String({ maxLength: 64 })), actor: Type.Optional(Type.String({ maxLength: 64 })), ...Cursor }, closed), response: { 200: page(AuditEvent) } },
  }, async (request) => {
    const result = await services.store.audit.list({ type: request.query.type, actorId: request.query.actor }, { cursor: request.query.cursor, limit: request.query.limit ?? HTTP_LIMITS.defaultPageSize });
    return { items: result.items.map((e) => ({ id: e.id, at: new Date(e.at).toISOString(), type: e.type, actor_id: e.actorId, target_id: e.targetId, ip: e.ip, details: e.details })), next_cursor: result.nextCursor };
  });
}
