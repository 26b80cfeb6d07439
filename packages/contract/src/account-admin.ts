import { Type } from 'typebox';
import { DateTime } from './shared.js';

/** The shapes of account administration (login failures, one-time passwords). */

export const OneTimePassword = Type.Object({
  one_time_password: Type.String({
    description: 'Shown this once: the user logs in with it and must choose a new password.',
  }),
});

export const LoginFailures = Type.Object({
  user_id: Type.String(),
  failures: Type.Integer({
    description: 'Failed passwords and codes since the last unlock (or the last success from each address).',
  }),
  locked: Type.Boolean({ description: 'Some address is blocked from logging in to this account right now.' }),
  addresses: Type.Array(
    Type.Object({
      ip: Type.String(),
      failures: Type.Integer(),
      first_failed_at: DateTime,
      last_failed_at: DateTime,
      blocked_seconds: Type.Integer(),
    }),
  ),
});
