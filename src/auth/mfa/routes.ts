import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { noContent } from '../../http/openapi.js';
import { reportLogin } from '../sessions/login-outcome.js';
import type { AuthServices } from '../services.js';
import { claimsOf, requestMeta } from '../common/request-meta.js';
import {
  CodeRequest,
  MfaLoginRequest,
  MfaStatus,
  PasswordChangeLoginRequest,
  PasswordProof,
  RecoveryCodes,
  security,
  TokenResponse,
  TotpEnrolment,
} from '@bulwark/contract';
import { sendPair } from '../sessions/routes.js';
import { tokenProofHook } from '../dpop/token-proof.js';
import { recentAuth } from '../common/recent-auth.js';

const tags = ['auth'];

/** The caller's own second factor (RFC 6238 TOTP, recovery codes) and the login steps after the password. */
export function registerMfaRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { mfa, loginSteps, throttles, events } = services;
  const tokenProof = tokenProofHook(services.verifier);
  const recent = recentAuth(services);

  app.get(
    '/api/users/me/mfa',
    {
      onRequest: app.requireAuth(),
      schema: {
        operationId: 'getMfaStatus',
        tags,
        summary: 'Whether the caller has an authenticator enrolled, and how many recovery codes are left',
        security,
        response: { 200: MfaStatus },
      },
    },
    async (request) => {
      const status = await mfa.status(claimsOf(request).sub);
      return {
        totp: status.enrolled,
        confirmed_at: status.confirmedAt === null ? null : new Date(status.confirmedAt).toISOString(),
        recovery_codes_left: status.recoveryCodesLeft,
      };
    },
  );

  app.post(
    '/api/users/me/mfa/totp',
    {
      onRequest: app.requireAuth(recent),
      schema: {
        operationId: 'enrolTotp',
        tags,
        summary: 'Start TOTP enrolment: a new secret and its otpauth URI (confirm with a code to activate)',
        security,
        response: { 201: TotpEnrolment },
      },
    },
    async (request, reply) => {
      const claims = claimsOf(request);
      const user = await services.users.get(claims.sub);
      const enrolment = await mfa.enrol(user.id, user.username, requestMeta(request));
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ secret: enrolment.secret, otpauth_uri: enrolment.otpauthUri });
    },
  );

  app.post(
    '/api/users/me/mfa/totp/confirm',
    {
      onRequest: app.requireAuth(recent),
      schema: {
        operationId: 'confirmTotp',
        tags,
        summary: 'Confirm the enrolment with a current code; answers ten one-time recovery codes',
        security,
        body: CodeRequest,
        response: { 200: RecoveryCodes },
      },
    },
    async (request, reply) => {
      const codes = await mfa.confirm(claimsOf(request).sub, request.body.code, requestMeta(request));
      reply.header('cache-control', 'no-store');
      return { recovery_codes: codes };
    },
  );

  app.delete(
    '/api/users/me/mfa/totp',
    {
      onRequest: app.requireAuth(recent),
      schema: {
        operationId: 'removeTotp',
        tags,
        summary: 'Remove the authenticator and the recovery codes, proving the password',
        security,
        body: PasswordProof,
        response: { 204: noContent('Removed: logins ask for the password only') },
      },
    },
    async (request, reply) => {
      await mfa.remove(claimsOf(request).sub, request.body.password, requestMeta(request));
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/users-sessions/mfa',
    {
      preHandler: tokenProof,
      schema: {
        operationId: 'loginMfa',
        tags,
        summary: 'Second login step: the mfa_token of the 401 mfa_required and a TOTP or recovery code',
        security: [],
        body: MfaLoginRequest,
        response: { 201: TokenResponse },
      },
    },
    async (request, reply) => {
      const meta = requestMeta(request);
      const pair = await reportLogin(events, async () => {
        const completed = await loginSteps.completeMfa(request.body.mfa_token, request.body.code, meta);
        await throttles.login.succeeded(completed.username, meta.ip);
        return completed.pair;
      });
      return sendPair(request, reply.status(201), pair, request.body.refresh_delivery ?? 'body');
    },
  );

  app.post(
    '/api/users-sessions/password-change',
    {
      preHandler: tokenProof,
      schema: {
        operationId: 'loginPasswordChange',
        tags,
        summary: 'Last login step after an admin reset: the password_change_token and a new password',
        security: [],
        body: PasswordChangeLoginRequest,
        response: { 201: TokenResponse },
      },
    },
    async (request, reply) => {
      const meta = requestMeta(request);
      const pair = await reportLogin(events, async () => {
        const completed = await loginSteps.completePasswordChange(
          request.body.password_change_token,
          request.body.new_password,
          meta,
        );
        await throttles.login.succeeded(completed.username, meta.ip);
        return completed.pair;
      });
      return sendPair(request, reply.status(201), pair, request.body.refresh_delivery ?? 'body');
    },
  );
}
