import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { InvitationPasskeyOptionsRequest, RegistrationOptions } from '@bulwark/contract';
import { requestMeta } from '../common/request-meta.js';
import type { AuthServices } from '../services.js';

/** Joining from an invitation with a passkey: the creation options (the accept itself is POST /api/invitations/accept). */
export function registerInvitationPasskeyRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/api/invitations/accept/passkey-options',
    {
      schema: {
        operationId: 'invitationPasskeyOptions',
        tags: ['accounts'],
        summary:
          'Join with a passkey: WebAuthn creation options for the invited account (the link is checked, not spent; single-use challenge, 5 minutes)',
        security: [],
        body: InvitationPasskeyOptionsRequest,
        response: { 200: RegistrationOptions },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return services.selfService.invitationPasskeys.options(
        request.body.token,
        request.body.username,
        requestMeta(request).ip,
      );
    },
  );
}
