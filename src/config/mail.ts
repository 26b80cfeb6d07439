import { join } from 'node:path';
import { ConfigError } from './errors.js';
import { boolean, existingFile, httpUrl, integer, oneOf, read, type Env } from './parsers.js';

/** Where mail goes: an SMTP server, the development outbox directory, or nowhere (production without SMTP). */
export type MailDelivery =
  | { kind: 'smtp'; url: string; requireTls: boolean; caFile: string | undefined }
  | { kind: 'files'; dir: string }
  | { kind: 'off' };

export interface MailConfig {
  delivery: MailDelivery;
  /** BULWARK_MAIL_FROM: the sender of every message. */
  from: string;
  /** Per-send deadline of one SMTP delivery (connect, greeting and each socket step). */
  timeoutSeconds: number;
  /** Where the links in the mail point: the console's origin (`?token=` pages). */
  consoleUrl: string;
}

/** The store's roles (store/types ROLES): config sits below the store and may not import it. */
const ROLE_NAMES = ['admin', 'clerk', 'employee'] as const;
type Role = (typeof ROLE_NAMES)[number];

export type SignupMode = 'off' | 'invite' | 'open';

export interface AccountSettings {
  /** BULWARK_SIGNUP: off (admins invite), invite (any signed-in user may also invite, with the sign-up role), open (self sign-up). */
  signup: SignupMode;
  /** The role of self-registered users and of invitations by non-admins. */
  signupRole: Role;
  passwordResetTtlSeconds: number;
  invitationTtlSeconds: number;
  emailLinkTtlSeconds: number;
}

/** The SMTP URL's scheme and host only: the rest may hold a password. */
export function smtpEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(invalid)';
  }
}

export function mailConfig(env: Env, mode: 'development' | 'production', issuer: string, dataDir: string): MailConfig {
  const url = read(env, 'BULWARK_SMTP_URL');
  if (url !== undefined && !/^smtps?:\/\/[^/]/.test(url))
    throw new ConfigError('BULWARK_SMTP_URL', 'must start with smtp:// (STARTTLS) or smtps:// (implicit TLS)');
  const requireTls = boolean(env, 'BULWARK_SMTP_REQUIRE_TLS', mode === 'production');
  // Read whatever the URL (the known-variables list records what an empty environment reads).
  const caFile = existingFile(env, 'BULWARK_SMTP_CA_FILE');
  const delivery: MailDelivery =
    url !== undefined
      ? { kind: 'smtp', url, requireTls, caFile }
      : mode === 'development'
        ? { kind: 'files', dir: join(dataDir, 'outbox') }
        : { kind: 'off' };
  const from = read(env, 'BULWARK_MAIL_FROM') ?? 'Bulwark <no-reply@localhost>';
  if (!/^[^\r\n]*@[^\r\n]*$/.test(from))
    throw new ConfigError('BULWARK_MAIL_FROM', 'must be an address such as "Bulwark <no-reply@example.com>"');
  return {
    delivery,
    from,
    timeoutSeconds: integer(env, 'BULWARK_SMTP_TIMEOUT', 10, 1, 120),
    consoleUrl: httpUrl(env, 'BULWARK_CONSOLE_URL', issuer),
  };
}

export function accountSettings(env: Env, mail: MailConfig): AccountSettings {
  const signup = oneOf<SignupMode>(env, 'BULWARK_SIGNUP', 'off', ['off', 'invite', 'open']);
  if (signup === 'open' && mail.delivery.kind === 'off')
    throw new ConfigError('BULWARK_SIGNUP', 'open sign-up verifies addresses by mail: set BULWARK_SMTP_URL');
  return {
    signup,
    signupRole: oneOf<Role>(env, 'BULWARK_SIGNUP_ROLE', 'employee', ROLE_NAMES),
    passwordResetTtlSeconds: integer(env, 'BULWARK_PASSWORD_RESET_TTL', 1_800, 300, 86_400),
    invitationTtlSeconds: integer(env, 'BULWARK_INVITATION_TTL', 7 * 86_400, 3_600, 30 * 86_400),
    emailLinkTtlSeconds: integer(env, 'BULWARK_EMAIL_LINK_TTL', 86_400, 600, 7 * 86_400),
  };
}
