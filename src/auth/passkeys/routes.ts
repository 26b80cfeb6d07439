import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { noContent } from '../../http/openapi.js';
import { claimsOf, requestMeta } from '../common/request-meta.js';
import type { AuthServices } from '../services.js';
import {
  Passkey,
  PasskeyIdParams,
  PasskeyList,
  PasskeyRegistration,
  PasskeyRename,
  RegistrationOptions,
} from '@bulwark/contract';
import { toPasskeyView } from './passkey-view.js';
import { recentAuth } from '../common/recent-auth.js';

const tags = ['passkeys'];
const security = [{ bearer: [] }];

/** The caller's own passkeys: add one (options, then the authenticator's answer with a name), list, rename, remove. */
export function registerPasskeyRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { passkeys } = services;
  const recent = recentAuth(services);

  app.post(
    '/api/users/me/passkeys/registration-options',
    {
      onRequest: app.requireAuth(recent),
      schema: {
        operationId: 'passkeyRegistrationOptions',
        tags,
        summary: 'Start adding a passkey: WebAuthn creation options with a single-use challenge (5 minutes)',
        security,
        response: { 200: RegistrationOptions },
      },
    },
    async (request, reply) => {
      const user = await services.users.get(claimsOf(request).sub);
      reply.header('cache-control', 'no-store');
      return passkeys.registration.options(user);
    },
  );

  app.post(
    '/api/users/me/passkeys',
    {
      onRequest: app.requireAuth(recent),
      schema: {
        operationId: 'registerPasskey',
        tags,
        summary: "Finish adding a passkey: the authenticator's response to the options, and a name",
        security,
        body: PasskeyRegistration,
        response: { 201: Passkey },
      },
    },
    async (request, reply) => {
      const user = await services.users.get(claimsOf(request).sub);
      const passkey = await passkeys.registration.verify(
        user,
        request.body.name,
        request.body.response,
        requestMeta(request),
      );
      return reply.status(201).send(toPasskeyView(passkey));
    },
  );

  app.get(
    '/api/users/me/passkeys',
    {
      onRequest: app.requireAuth(),
      schema: {
        operationId: 'listPasskeys',
        tags,
        summary: "The caller's passkeys, oldest first",
        security,
        response: { 200: PasskeyList },
      },
    },
    async (request) => ({ items: (await passkeys.own.list(claimsOf(request).sub)).map(toPasskeyView) }),
  );

  app.patch(
    '/api/users/me/passkeys/:id',
    {
      onRequest: app.requireAuth(),
      schema: {
        operationId: 'renamePasskey',
        tags,
        summary: "Rename one of the caller's passkeys",
        security,
        params: PasskeyIdParams,
        body: PasskeyRename,
        response: { 200: Passkey },
      },
    },
    async (request) =>
      toPasskeyView(
        await passkeys.own.rename(claimsOf(request).sub, request.params.id, request.body.name, requestMeta(request)),
      ),
  );

  app.delete(
    '/api/users/me/passkeys/:id',
    {
      onRequest: app.requireAuth(recent),
      schema: {
        operationId: 'removePasskey',
        tags,
        summary: "Remove one of the caller's passkeys: it signs in no more",
        security,
        params: PasskeyIdParams,
        response: { 204: noContent('Removed') },
      },
    },
    async (request, reply) => {
      await passkeys.own.remove(claimsOf(request).sub, request.params.id, requestMeta(request));
      return reply.status(204).send();
    },
  );
}
