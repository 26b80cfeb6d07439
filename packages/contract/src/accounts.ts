import { Type } from 'typebox';
import { EMAIL_MAX_LENGTH } from './limits.js';
import { PasskeyRegistration } from './passkeys.js';
import { closed, DateTime, EmployeeLink, Password, RoleSchema } from './shared.js';

/** The shapes of the self-service account routes (issue #20): mail links, invitations, sign-up. */
const Email = Type.String({
  minLength: 3,
  maxLength: EMAIL_MAX_LENGTH + 16,
  description: 'An email address; compared trimmed and lower-case.',
});
// Generous: whatever a client mistakes for a link token gets link_invalid, not a 400 that tells it apart.
const LinkToken = Type.String({
  minLength: 1,
  maxLength: 512,
  description: 'The `token` query parameter of the mailed link.',
});
const Username = Type.String({ minLength: 1, maxLength: 64 });

export const PasswordResetRequest = Type.Object(
  { email: Type.Optional(Email), username: Type.Optional(Username) },
  { ...closed, minProperties: 1, maxProperties: 1, description: 'Exactly one of `email` or `username`.' },
);

/** The one answer of a reset request and a sign-up, whatever the account's existence. */
export const Accepted = Type.Object({ status: Type.Literal('accepted'), detail: Type.String() }, { $id: 'Accepted' });
export const RESET_ACCEPTED = {
  status: 'accepted' as const,
  detail: "If an account matches, a link to reset its password is on its way to the account's email address.",
};
export const SIGNUP_ACCEPTED = {
  status: 'accepted' as const,
  detail: 'Check your mail: open the link we sent to finish creating the account.',
};

export const PasswordResetConfirm = Type.Object({ token: LinkToken, new_password: Password }, closed);

export const InvitationRequest = Type.Object(
  {
    email: Email,
    roles: Type.Array(RoleSchema, {
      minItems: 1,
      maxItems: 1,
      description: "The account's roles (a user has one role today).",
    }),
    employee_id: Type.Optional(EmployeeLink),
  },
  closed,
);

export const Invitation = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    roles: Type.Array(RoleSchema),
    employee_id: EmployeeLink,
    created_at: DateTime,
    expires_at: DateTime,
  },
  { $id: 'Invitation', description: 'An invitation (its link is only in the mail).' },
);

export const InvitationAccept = Type.Object(
  {
    token: LinkToken,
    username: Username,
    password: Type.Optional(Password),
    passkey: Type.Optional(PasskeyRegistration),
  },
  {
    ...closed,
    description:
      'Exactly one of `password` or `passkey` (the answer to /api/invitations/accept/passkey-options, and a name).',
  },
);

/** Creation options for the passkey of an invited person's future account. */
export const InvitationPasskeyOptionsRequest = Type.Object({ token: LinkToken, username: Username }, closed);

export const EmailChangeRequest = Type.Object({ email: Email }, closed);
export const EmailChangePending = Type.Object({
  email: Type.String({ description: "The address the link was sent to: it becomes the account's once confirmed." }),
  expires_at: DateTime,
});
export const LinkConfirm = Type.Object({ token: LinkToken }, closed);

export const SignupRequest = Type.Object({ email: Email, username: Username, password: Password }, closed);

export const OthersRevoked = Type.Object({ sessions_revoked: Type.Integer({ minimum: 0 }) });
