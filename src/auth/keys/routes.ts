import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { namedSchema } from '../../http/openapi.js';
import type { AuthServices } from '../services.js';
import { claimsOf, requestMeta } from '../common/request-meta.js';
import { Key, security } from '@bulwark/contract';
import { toKeyView } from '../common/views.js';
import { BULWARK_PERMISSION } from '@bulwark/contract/registry';
import { requirePermission } from '../registry/require-permission.js';

const RotateRequest = Type.Object(
  {
    now: Type.Optional(
      Type.Boolean({
        description:
          'true: the new key (or the pending next key) signs at once; the previous key retires and keeps verifying',
      }),
    ),
    revoke_current: Type.Optional(
      Type.Boolean({ description: 'with now: the previous key is removed at once and stops verifying (emergency)' }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Optional. Without a body: a next key, published now, signing after the JWKS max-age plus 5 s (every instance publishes it first).',
  },
);

/** The signing keys and their rotation: admins only. */
export function registerKeyRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const KeyRef = namedSchema(app, Key);

  app.get(
    '/api/keys',
    {
      onRequest: requirePermission(app, services.permissions, BULWARK_PERMISSION['keys:read']),
      schema: {
        operationId: 'listKeys',
        tags: ['keys'],
        summary: 'Signing keys and their lifecycle (public parts only)',
        security,
        response: { 200: Type.Object({ items: Type.Array(KeyRef) }) },
      },
    },
    async () => ({ items: (await services.keys.list()).map(toKeyView) }),
  );

  app.post(
    '/api/keys/rotate',
    {
      onRequest: requirePermission(app, services.permissions, BULWARK_PERMISSION['keys:write']),
      // No body at all means the default rotation: validate it as the empty object it means.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        operationId: 'rotateKey',
        tags: ['keys'],
        summary:
          'Rotate: a next key (published, signing after the JWKS max-age plus 5 s; 409 if one is waiting), or with now=true a new active key at once',
        security,
        body: RotateRequest,
        response: { 201: KeyRef },
      },
    },
    async (request, reply) => {
      const { now, revoke_current: revokeCurrent } = request.body;
      const key = await services.keys.rotate({ now, revokeCurrent });
      const mode = revokeCurrent === true ? 'now_revoke_current' : now === true ? 'now' : 'next';
      await services.audit.record('key.rotated', {
        actorId: claimsOf(request).sub,
        targetId: key.kid,
        ip: requestMeta(request).ip,
        details: { mode },
      });
      return reply.status(201).send(toKeyView(key));
    },
  );
}
