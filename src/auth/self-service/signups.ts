import type { AccountSettings } from '../../config/index.js';
import { ConflictError, LinkInvalidError, SignupClosedError } from '../../errors/index.js';
import type { Role, Store, UserRecord } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Outbox } from '../mail/outbox.js';
import { describeLifetime } from '../mail/templates.js';
import { assertAcceptablePassword, hashPassword } from '../passwords/passwords.js';
import type { UserService } from '../users/user-service.js';
import { validUsername } from '../users/usernames.js';
import { normaliseEmail } from './email.js';
import type { AccountLinks } from './links.js';
import { requireMail } from './mail-gate.js';

/**
 * Self sign-up (BULWARK_SIGNUP=open). Nothing is created until the address is proven: the
 * request stores a link holding the chosen username and the password's hash, and its mail;
 * opening the link creates the account (role BULWARK_SIGNUP_ROLE), so an unverified address
 * never signs in. An address that already has an account gets the same answer and no link.
 */
export class Signups {
  constructor(
    private readonly store: Store,
    private readonly users: UserService,
    private readonly audit: AuditLog,
    private readonly links: AccountLinks,
    private readonly outbox: Outbox | undefined,
    private readonly settings: AccountSettings,
    private readonly now: () => number,
  ) {}

  async request(rawEmail: string, rawUsername: string, password: string, ip: string | null): Promise<void> {
    if (this.settings.signup !== 'open') throw new SignupClosedError();
    const outbox = requireMail(this.outbox);
    const email = normaliseEmail(rawEmail);
    const username = validUsername(rawUsername);
    assertAcceptablePassword(password, username);
    if ((await this.store.users.findByUsername(username)) !== undefined) {
      throw new ConflictError('username taken', { detail: 'This username is taken: choose another.' });
    }
    const passwordHash = await hashPassword(password);
    if ((await this.store.users.findByEmail(email)) !== undefined) {
      await this.audit.record('signup.requested', { ip, details: { sent: false, reason: 'address_has_account' } });
      return;
    }
    const ttl = this.settings.emailLinkTtlSeconds;
    await this.store.accounts.atomically(async (accounts) => {
      const link = await this.links.issue(
        accounts,
        'signup',
        { email, data: { username, password_hash: passwordHash } },
        ttl,
      );
      await outbox.queue(accounts, `signup:${link.hash}`, email, 'signup', {
        link: link.url,
        username,
        lifetime: describeLifetime(ttl),
      });
    });
    outbox.queued();
    await this.audit.record('signup.requested', { ip, details: { sent: true } });
  }

  async confirm(token: string, ip: string | null): Promise<UserRecord> {
    if (this.settings.signup !== 'open') throw new SignupClosedError();
    const accounts = this.store.accounts;
    const link = await this.links.check(accounts, token, 'signup', ip);
    const username = link.data?.username;
    const passwordHash = link.data?.password_hash;
    if (typeof username !== 'string' || typeof passwordHash !== 'string' || link.email === null)
      throw new LinkInvalidError('malformed sign-up');
    if (
      (await this.store.users.findByUsername(username)) !== undefined ||
      (await this.store.users.findByEmail(link.email)) !== undefined
    ) {
      throw new ConflictError('taken meanwhile', {
        detail: 'This username or address got an account meanwhile: sign up again.',
      });
    }
    await this.links.consume(accounts, link);
    const role: Role = this.settings.signupRole;
    const user = await this.users.createWithHash(
      { username, passwordHash, role, email: link.email, emailVerifiedAt: this.now() },
      null,
    );
    await this.audit.record('signup.completed', { actorId: user.id, targetId: user.id, ip, details: { role } });
    return user;
  }
}
