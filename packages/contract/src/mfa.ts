import { Type } from 'typebox';
import { RefreshDelivery } from './auth.js';
import { closed, DateTime, Password } from './shared.js';

/** The shapes of the second factor and the login steps after the password. */
/** A 6-digit TOTP code or a recovery code (`xxxx-xxxx-xxxx-xxxx`, case and dashes free). */
const Code = Type.String({ minLength: 6, maxLength: 32, pattern: '^[0-9A-Za-z -]+$' });
const LoginToken = Type.String({ minLength: 1, maxLength: 256 });

export const MfaStatus = Type.Object({
  totp: Type.Boolean({ description: 'A confirmed authenticator is enrolled: logins ask for a code.' }),
  confirmed_at: Type.Union([DateTime, Type.Null()]),
  recovery_codes_left: Type.Integer(),
});

export const TotpEnrolment = Type.Object({
  secret: Type.String({ description: 'Base32 TOTP secret (RFC 6238: SHA-1, 6 digits, 30 s), shown this once.' }),
  otpauth_uri: Type.String({
    description: 'otpauth://totp/… for the QR code: draw it locally, never through a third party.',
  }),
});

export const CodeRequest = Type.Object({ code: Code }, closed);

export const RecoveryCodes = Type.Object({
  recovery_codes: Type.Array(Type.String(), {
    description: 'Ten one-time codes, each usable once instead of a TOTP code; shown this once.',
  }),
});

export const PasswordProof = Type.Object({ password: Password }, closed);

export const MfaLoginRequest = Type.Object(
  { mfa_token: LoginToken, code: Code, refresh_delivery: Type.Optional(RefreshDelivery) },
  closed,
);

export const PasswordChangeLoginRequest = Type.Object(
  { password_change_token: LoginToken, new_password: Password, refresh_delivery: Type.Optional(RefreshDelivery) },
  closed,
);
