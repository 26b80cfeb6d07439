import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requestMeta } from '../common/request-meta.js';
import { reportLogin } from '../sessions/login-outcome.js';
import { sendPair } from '../sessions/routes.js';
import type { AuthServices } from '../services.js';
import {
  AuthenticationOptions,
  PasskeySecondStep,
  PasskeySecondStepOptions,
  PasskeySignIn,
  TokenResponse,
} from '@bulwark/contract';

const tags = ['passkeys'];

/**
 * Signing in with a passkey alone (options with a single-use challenge, then the assertion for a
 * session), and a passkey as the second step of a password login (the mfa_token's user's own).
 */
export function registerPasskeySignInRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { passkeys, events, throttles } = services;

  app.post(
    '/api/users-sessions/passkey/options',
    {
      schema: {
        operationId: 'passkeySignInOptions',
        tags,
        summary:
          'Start a passkey sign-in: WebAuthn request options (any passkey of this site; user verification required)',
        security: [],
        response: { 200: AuthenticationOptions },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return passkeys.signIn.options(requestMeta(request));
    },
  );

  app.post(
    '/api/users-sessions/passkey',
    {
      schema: {
        operationId: 'loginPasskey',
        tags,
        summary:
          "Sign in with a passkey: the authenticator's assertion for an access token and a refresh token (amr hwk/swk, user, mfa)",
        security: [],
        body: PasskeySignIn,
        response: { 201: TokenResponse },
      },
    },
    async (request, reply) => {
      const meta = requestMeta(request);
      const { pair } = await reportLogin(events, () => passkeys.signIn.signIn(request.body.response, meta));
      return sendPair(request, reply.status(201), pair, request.body.refresh_delivery ?? 'body');
    },
  );

  app.post(
    '/api/users-sessions/mfa/passkey/options',
    {
      schema: {
        operationId: 'passkeySecondStepOptions',
        tags,
        summary: "Second login step with a passkey: request options for the mfa_token's user's passkeys",
        security: [],
        body: PasskeySecondStepOptions,
        response: { 200: AuthenticationOptions },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return passkeys.secondFactor.options(request.body.mfa_token);
    },
  );

  app.post(
    '/api/users-sessions/mfa/passkey',
    {
      schema: {
        operationId: 'loginMfaPasskey',
        tags,
        summary: 'Second login step with a passkey: the mfa_token and the assertion (amr pwd + hwk/swk, user, mfa)',
        security: [],
        body: PasskeySecondStep,
        response: { 201: TokenResponse },
      },
    },
    async (request, reply) => {
      const meta = requestMeta(request);
      const pair = await reportLogin(events, async () => {
        const completed = await passkeys.secondFactor.complete(request.body.mfa_token, request.body.response, meta);
        await throttles.login.succeeded(completed.username, meta.ip);
        return completed.pair;
      });
      return sendPair(request, reply.status(201), pair, request.body.refresh_delivery ?? 'body');
    },
  );
}
