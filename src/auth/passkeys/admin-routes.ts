import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { noContent } from '../../http/openapi.js';
import { claimsOf, requestMeta } from '../common/request-meta.js';
import type { AuthServices } from '../services.js';
import { IdParam, PasskeyList, UserPasskeyParams } from '@bulwark/contract';
import { toPasskeyView } from './passkey-view.js';
import { BULWARK_PERMISSION } from '@bulwark/contract/registry';
import { requirePermission } from '../registry/require-permission.js';

const tags = ['users'];
const security = [{ bearer: [] }];

/** Admins: a user's passkeys (names and dates, never key material), and removing one. */
export function registerUserPasskeyRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { admin } = services.passkeys;

  app.get(
    '/api/users/:id/passkeys',
    {
      onRequest: requirePermission(app, services.permissions, BULWARK_PERMISSION['users:read']),
      schema: {
        operationId: 'listUserPasskeys',
        tags,
        summary: "A user's passkeys, oldest first: names, created, last used (no key material)",
        security,
        params: IdParam,
        response: { 200: PasskeyList },
      },
    },
    async (request) => ({ items: (await admin.list(request.params.id)).map(toPasskeyView) }),
  );

  app.delete(
    '/api/users/:id/passkeys/:passkey_id',
    {
      onRequest: requirePermission(app, services.permissions, BULWARK_PERMISSION['users:write']),
      schema: {
        operationId: 'removeUserPasskey',
        tags,
        summary: "Remove one of a user's passkeys (a lost key): it signs in no more",
        security,
        params: UserPasskeyParams,
        response: { 204: noContent('Removed') },
      },
    },
    async (request, reply) => {
      await admin.remove(request.params.id, request.params.passkey_id, claimsOf(request).sub, requestMeta(request).ip);
      return reply.status(204).send();
    },
  );
}
