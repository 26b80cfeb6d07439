import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { noContent } from '../../http/openapi.js';
import type { AuthServices } from '../services.js';
import { claimsOf, requestMeta } from '../common/request-meta.js';
import { IdParam, LoginFailures, OneTimePassword, security } from '@bulwark/contract';
import { BULWARK_PERMISSION } from '@bulwark/contract/registry';
import { requirePermission } from '../registry/require-permission.js';

const tags = ['users'];

/** Account administration beyond role and disable: password reset, MFA reset, failures and unlock. */
export function registerAccountAdminRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts } = services;

  app.post(
    '/api/users/:id/password-reset',
    {
      onRequest: requirePermission(app, services.permissions, BULWARK_PERMISSION['users:write']),
      schema: {
        operationId: 'resetUserPassword',
        tags,
        summary:
          'Reset a password to a one-time password (shown once) the user must change at next login; their sessions end',
        security,
        params: IdParam,
        response: { 200: OneTimePassword },
      },
    },
    async (request, reply) => {
      const { oneTimePassword } = await accounts.resetPassword(
        request.params.id,
        claimsOf(request).sub,
        requestMeta(request).ip,
      );
      reply.header('cache-control', 'no-store');
      return { one_time_password: oneTimePassword };
    },
  );

  app.delete(
    '/api/users/:id/mfa',
    {
      onRequest: requirePermission(app, services.permissions, BULWARK_PERMISSION['users:write']),
      schema: {
        operationId: 'resetUserMfa',
        tags,
        summary: "Reset a user's second factor (a lost phone): their next login asks for the password only",
        security,
        params: IdParam,
        response: { 204: noContent('Reset') },
      },
    },
    async (request, reply) => {
      await services.mfa.reset(request.params.id, claimsOf(request).sub, requestMeta(request).ip);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/users/:id/login-failures',
    {
      onRequest: requirePermission(app, services.permissions, BULWARK_PERMISSION['users:read']),
      schema: {
        operationId: 'getUserLoginFailures',
        tags,
        summary: 'Failed logins (passwords and codes) of an account, per address, with running blocks',
        security,
        params: IdParam,
        response: { 200: LoginFailures },
      },
    },
    async (request) => {
      const rows = await accounts.failures(request.params.id);
      return {
        user_id: request.params.id,
        failures: rows.reduce((n, r) => n + r.failures, 0),
        locked: rows.some((r) => r.blockedSeconds > 0),
        addresses: rows.map((r) => ({
          ip: r.ip,
          failures: r.failures,
          first_failed_at: new Date(r.firstFailedAt).toISOString(),
          last_failed_at: new Date(r.lastFailedAt).toISOString(),
          blocked_seconds: r.blockedSeconds,
        })),
      };
    },
  );

  app.post(
    '/api/users/:id/unlock',
    {
      onRequest: requirePermission(app, services.permissions, BULWARK_PERMISSION['users:write']),
      schema: {
        operationId: 'unlockUser',
        tags,
        summary: "Forget an account's failed logins and lift the blocks of the addresses they came from",
        security,
        params: IdParam,
        response: { 204: noContent('Unlocked') },
      },
    },
    async (request, reply) => {
      await accounts.unlock(request.params.id, claimsOf(request).sub, requestMeta(request).ip);
      return reply.status(204).send();
    },
  );
}
