import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { InvalidTokenError } from '@bulwark/guard';
import { namedSchema, noContent } from '../../http/openapi.js';
import type { AuthServices } from '../services.js';
import { claimsOf, requestMeta } from '../common/request-meta.js';
import { BULWARK_API, CurrentUser, PasswordChange, security } from '@bulwark/contract';

const tags = ['auth'];

export function registerMeRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const CurrentUserRef = namedSchema(app, CurrentUser);

  app.get(
    '/api/users/me',
    {
      onRequest: app.requireAuth(),
      schema: {
        operationId: 'getCurrentUser',
        tags,
        summary: "The calling user (never the password hash) and their permissions at Bulwark's own API",
        security,
        response: { 200: CurrentUserRef },
      },
    },
    async (request) => {
      const { sub } = claimsOf(request);
      const found = await services.users.viewWithRoleIds(sub);
      // A valid token for a user that no longer exists is a token that should not work.
      if (found === undefined) throw new InvalidTokenError('revoked');
      // What the console may show; each admin call checks its permission again at the call. The
      // role ids come with the user (one read for both).
      const grant = await services.grants.userGrant(sub, BULWARK_API, found.roleIds);
      return { ...found.view, permissions: [...(grant?.permissions ?? [])] };
    },
  );

  app.put(
    '/api/users/me/password',
    {
      onRequest: app.requireAuth(),
      schema: {
        operationId: 'changePassword',
        tags,
        summary: 'Change the password; every other session is revoked',
        security,
        body: PasswordChange,
        response: { 204: noContent('Changed; every other session ended') },
      },
    },
    async (request, reply) => {
      const { current_password: current, new_password: next } = request.body;
      await services.sessions.changePassword(claimsOf(request), current, next, requestMeta(request));
      return reply.status(204).send();
    },
  );
}
