import type { Config } from '../../config/index.js';
import type { LimiterBackend } from '../../http/rate-limit.js';
import type { Store } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import { resolveMasterKey } from '../keys/master-key.js';
import { Outbox } from '../mail/outbox.js';
import type { RevocationService } from '../revocation/revocation-service.js';
import type { SessionService } from '../sessions/session-service.js';
import type { UserService } from '../users/user-service.js';
import { EmailAddresses } from './email-addresses.js';
import { InvitationPasskeys } from './accept-with-passkey.js';
import { Invitations } from './invitations.js';
import { AccountLinks } from './links.js';
import { PasswordResets } from './password-resets.js';
import { Signups } from './signups.js';

/** The flows people run on their own accounts, and the outbox their mail goes through. */
export interface SelfService {
  /** undefined: this server sends no mail (production without BULWARK_SMTP_URL). */
  outbox: Outbox | undefined;
  links: AccountLinks;
  passwordResets: PasswordResets;
  invitations: Invitations;
  /** Joining from an invitation with a passkey instead of a password. */
  invitationPasskeys: InvitationPasskeys;
  emails: EmailAddresses;
  signups: Signups;
}

export interface SelfServiceParts {
  config: Config;
  store: Store;
  users: UserService;
  sessions: SessionService;
  revocations: RevocationService;
  audit: AuditLog;
  limits: LimiterBackend;
  now: () => number;
}

export function createSelfService(parts: SelfServiceParts): SelfService {
  const { config, store, users, sessions, revocations, audit, limits, now } = parts;
  const outbox = config.mail.delivery.kind === 'off' ? undefined : new Outbox(() => resolveMasterKey(config), now);
  const links = new AccountLinks(audit, config.mail.consoleUrl, now);
  const settings = config.accounts;
  return {
    outbox,
    links,
    passwordResets: new PasswordResets(store, sessions, revocations, audit, links, outbox, limits, settings, now),
    invitations: new Invitations(store, users, audit, links, outbox, settings, now),
    invitationPasskeys: new InvitationPasskeys(store, audit, links, config.webauthn, settings, now),
    emails: new EmailAddresses(store, audit, links, outbox, settings, now),
    signups: new Signups(store, users, audit, links, outbox, settings, now),
  };
}
