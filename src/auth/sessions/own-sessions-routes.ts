import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { NotFoundError } from '../../errors/index.js';
import { noContent } from '../../http/openapi.js';
import type { SessionRecord } from '../../store/types.js';
import type { AuthServices } from '../services.js';
import { describeUserAgent } from './user-agent.js';
import { claimsOf, requestMeta } from '../common/request-meta.js';
import { OwnSessions, security, SessionIdParam } from '@bulwark/contract';
import { AUTH_DEFAULTS } from '../defaults.js';

const tags = ['auth'];
/** Sessions live 8 hours: one user never has more active ones than this answers. */

/** "Where am I logged in": the caller's active sessions, and ending one of them. */
export function registerOwnSessionRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/users/me/sessions',
    {
      onRequest: app.requireAuth(),
      schema: {
        operationId: 'listOwnSessions',
        tags,
        summary: "The caller's active sessions: device, address, start and last use",
        security,
        response: { 200: OwnSessions },
      },
    },
    async (request) => {
      const claims = claimsOf(request);
      const page = await services.store.sessions.list(
        { userId: claims.sub, activeAt: services.now() },
        { limit: AUTH_DEFAULTS.maxOwnSessions },
      );
      return { items: page.items.reverse().map((s) => ownSessionView(s, claims.sid)) };
    },
  );

  app.delete(
    '/api/users/me/sessions/:id',
    {
      onRequest: app.requireAuth(),
      schema: {
        operationId: 'revokeOwnSession',
        tags,
        summary: "End one of the caller's sessions (its refresh and access tokens stop working)",
        security,
        params: SessionIdParam,
        response: { 204: noContent('Ended') },
      },
    },
    async (request, reply) => {
      const claims = claimsOf(request);
      const session = await services.store.sessions.findById(request.params.id);
      // Another user's session is as unknown as a session that does not exist.
      if (session === undefined || session.userId !== claims.sub) throw new NotFoundError('session');
      const changed = await services.sessions.revokeSession(session.id, 'revoked_by_owner');
      if (changed)
        await services.audit.record('session.revoked', {
          actorId: claims.sub,
          targetId: session.id,
          ip: requestMeta(request).ip,
          details: { by: 'owner' },
        });
      return reply.status(204).send();
    },
  );
}

function ownSessionView(s: SessionRecord, currentSid: string | undefined) {
  return {
    id: s.id,
    device: describeUserAgent(s.userAgent),
    ip: s.ip,
    created_at: new Date(s.createdAt).toISOString(),
    last_used_at: new Date(s.lastRefreshedAt ?? s.createdAt).toISOString(),
    expires_at: new Date(s.expiresAt).toISOString(),
    current: s.id === currentSid,
    amr: s.amr,
  };
}
