import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { namedSchema, noContent } from '../../http/openapi.js';
import type { Role } from '../../store/types.js';
import { claimsOf, requestMeta } from '../common/request-meta.js';
import { User } from '@bulwark/contract';
import { recentAuth } from '../common/recent-auth.js';
import type { AuthServices } from '../services.js';
import { InvalidRequestError } from '../../errors/index.js';
import { registerInvitationPasskeyRoutes } from './accept-with-passkey-routes.js';
import {
  Accepted,
  EmailChangePending,
  EmailChangeRequest,
  Invitation,
  InvitationAccept,
  InvitationRequest,
  LinkConfirm,
  OthersRevoked,
  PasswordResetConfirm,
  PasswordResetRequest,
  RESET_ACCEPTED,
  SIGNUP_ACCEPTED,
  SignupRequest,
} from '@bulwark/contract';
import { BULWARK_PERMISSION } from '@bulwark/contract/registry';
import { holdsPermission } from '../registry/require-permission.js';
import { employeeLinkOf } from '../users/employee-directory.js';

const tags = ['accounts'];
const security = [{ bearer: [] }];
const iso = (ms: number): string => new Date(ms).toISOString();

/** Forgot password, invitations, email addresses, self sign-up and "sign out everywhere else". */
export function registerSelfServiceRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { passwordResets, invitations, emails, signups } = services.selfService;
  const UserRef = namedSchema(app, User);
  const AcceptedRef = namedSchema(app, Accepted);

  app.post(
    '/api/password-resets',
    {
      schema: {
        operationId: 'requestPasswordReset',
        tags,
        summary:
          'Forgot password: mail a single-use reset link to the account of this address or username. Always 202 with the same body',
        security: [],
        body: PasswordResetRequest,
        response: { 202: AcceptedRef },
      },
    },
    async (request, reply) => {
      const { email, username } = request.body;
      await passwordResets.request(
        email !== undefined ? { email } : { username: username ?? '' },
        requestMeta(request).ip,
      );
      return reply.status(202).send(RESET_ACCEPTED);
    },
  );

  app.post(
    '/api/password-resets/confirm',
    {
      schema: {
        operationId: 'confirmPasswordReset',
        tags,
        summary: 'Set a new password from a reset link; every session of the account ends',
        security: [],
        body: PasswordResetConfirm,
        response: { 204: noContent('Password set; every session of the account ended') },
      },
    },
    async (request, reply) => {
      await passwordResets.confirm(request.body.token, request.body.new_password, requestMeta(request).ip);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/users-sessions/others/revoke',
    {
      onRequest: app.requireAuth(),
      schema: {
        operationId: 'revokeOtherSessions',
        tags,
        summary: 'Sign out everywhere else: every session of the caller but the current one ends',
        security,
        response: { 200: OthersRevoked },
      },
    },
    async (request) => {
      const claims = claimsOf(request);
      const revoked = await services.sessions.revokeAllSessions(claims.sub, 'signed_out_elsewhere', claims.sid);
      await services.audit.record('sessions.revoked_others', {
        actorId: claims.sub,
        targetId: claims.sub,
        ip: requestMeta(request).ip,
        details: { sessions_revoked: revoked },
      });
      return { sessions_revoked: revoked };
    },
  );

  app.post(
    '/api/invitations',
    {
      onRequest: app.requireAuth(),
      schema: {
        operationId: 'createInvitation',
        tags,
        summary:
          'Invite an address with its roles: the link in the mail lets the person choose a username and password (admins; with BULWARK_SIGNUP=invite any user, for the sign-up role)',
        security,
        body: InvitationRequest,
        response: { 201: namedSchema(app, Invitation) },
      },
    },
    async (request, reply) => {
      const claims = claimsOf(request);
      const invitation = await invitations.create(
        request.body.email,
        request.body.roles,
        {
          id: claims.sub,
          administers: await holdsPermission(services.permissions, claims, BULWARK_PERMISSION['users:write']),
        },
        requestMeta(request).ip,
        request.body.employee_id ?? null,
      );
      return reply.status(201).send({
        id: invitation.id,
        email: invitation.email,
        roles: invitation.roles as Role[],
        employee_id: employeeLinkOf(invitation),
        created_at: iso(invitation.createdAt),
        expires_at: iso(invitation.expiresAt),
      });
    },
  );

  app.post(
    '/api/invitations/accept',
    {
      schema: {
        operationId: 'acceptInvitation',
        tags,
        summary:
          'Create the invited account from the invitation link with a password or a passkey (then sign in as usual)',
        security: [],
        body: InvitationAccept,
        response: { 201: UserRef },
      },
    },
    async (request, reply) => {
      const { token, username, password, passkey } = request.body;
      const ip = requestMeta(request).ip;
      if ((password === undefined) === (passkey === undefined))
        throw new InvalidRequestError('password xor passkey', {
          detail: 'Give exactly one of `password` or `passkey`.',
        });
      const user =
        passkey !== undefined
          ? await services.selfService.invitationPasskeys.accept(token, username, passkey.name, passkey.response, ip)
          : await invitations.accept(token, username, password ?? '', ip);
      return reply.status(201).send(await services.users.view(user));
    },
  );
  registerInvitationPasskeyRoutes(app, services);

  app.post(
    '/api/users/me/email',
    {
      // A new address can receive a password reset: a stolen long-lived session must not set one.
      onRequest: app.requireAuth(recentAuth(services)),
      schema: {
        operationId: 'changeEmail',
        tags,
        summary: "Set or change the caller's email address: a link goes to the new address, a notice to the old one",
        security,
        body: EmailChangeRequest,
        response: { 202: EmailChangePending },
      },
    },
    async (request, reply) => {
      const pending = await emails.requestChange(claimsOf(request).sub, request.body.email, requestMeta(request).ip);
      return reply.status(202).send({ email: pending.email, expires_at: iso(pending.expiresAt) });
    },
  );

  app.post(
    '/api/users/me/email/confirm',
    {
      onRequest: app.requireAuth(),
      schema: {
        operationId: 'confirmEmail',
        tags,
        summary: 'Confirm the address from its link (signed in as the account it was sent for)',
        security,
        body: LinkConfirm,
        response: { 200: UserRef },
      },
    },
    async (request) =>
      services.users.view(await emails.confirm(claimsOf(request).sub, request.body.token, requestMeta(request).ip)),
  );

  app.post(
    '/api/signups',
    {
      schema: {
        operationId: 'signUp',
        tags,
        summary:
          'Self sign-up (BULWARK_SIGNUP=open): mails a link that creates the account once opened. Always the same 202 for an address',
        security: [],
        body: SignupRequest,
        response: { 202: AcceptedRef },
      },
    },
    async (request, reply) => {
      const { email, username, password } = request.body;
      await signups.request(email, username, password, requestMeta(request).ip);
      return reply.status(202).send(SIGNUP_ACCEPTED);
    },
  );

  app.post(
    '/api/signups/confirm',
    {
      schema: {
        operationId: 'confirmSignup',
        tags,
        summary: 'Create the signed-up account from its link (its address is then verified)',
        security: [],
        body: LinkConfirm,
        response: { 201: UserRef },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await services.users.view(await signups.confirm(request.body.token, requestMeta(request).ip))),
  );
}
