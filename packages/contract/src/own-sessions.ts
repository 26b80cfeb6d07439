import { Type, type Static } from 'typebox';
import { closed, DateTime } from './shared.js';

/** The shapes of a user's own sessions (the devices they are logged in on). */
export const OwnSession = Type.Object({
  id: Type.String(),
  device: Type.String({ description: 'Browser and system from the User-Agent at login, e.g. "Firefox on Linux".' }),
  ip: Type.Union([Type.String(), Type.Null()], { description: 'The address the login came from.' }),
  created_at: DateTime,
  last_used_at: DateTime,
  expires_at: DateTime,
  current: Type.Boolean({ description: 'The session of the calling token.' }),
  amr: Type.Array(Type.String(), {
    description: 'RFC 8176 methods of its login (pwd, otp; a passkey: hwk or swk, user, mfa).',
  }),
});
export type OwnSession = Static<typeof OwnSession>;

export const OwnSessions = Type.Object({ items: Type.Array(OwnSession) });

export const SessionIdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, closed);
