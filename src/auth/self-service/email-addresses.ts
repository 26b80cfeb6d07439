import { ConflictError, NotFoundError } from '../../errors/index.js';
import type { AccountSettings } from '../../config/index.js';
import type { Store, UserRecord } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Outbox } from '../mail/outbox.js';
import { describeLifetime } from '../mail/templates.js';
import { normaliseEmail } from './email.js';
import type { AccountLinks } from './links.js';
import { requireMail } from './mail-gate.js';

/**
 * A signed-in user's email address: a change mails a single-use link to the new address (the
 * change happens when it is opened, by the same account) and a notice to the old one.
 */
export class EmailAddresses {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly links: AccountLinks,
    private readonly outbox: Outbox | undefined,
    private readonly settings: AccountSettings,
    private readonly now: () => number,
  ) {}

  async requestChange(
    userId: string,
    rawEmail: string,
    ip: string | null,
  ): Promise<{ email: string; expiresAt: number }> {
    const outbox = requireMail(this.outbox);
    const user = await this.user(userId);
    const email = normaliseEmail(rawEmail);
    const holder = await this.store.users.findByEmail(email);
    if (holder !== undefined && holder.id !== user.id)
      throw new ConflictError('address taken', { detail: 'Another account uses this email address.' });
    if (holder !== undefined && user.emailVerifiedAt !== null && user.emailVerifiedAt !== undefined) {
      throw new ConflictError('already verified', { detail: 'This is already your verified email address.' });
    }
    const ttl = this.settings.emailLinkTtlSeconds;
    const old = user.email ?? null;
    const expiresAt = await this.store.accounts.atomically(async (accounts) => {
      await accounts.retireLinks(user.id, 'verify_email', this.now());
      const link = await this.links.issue(accounts, 'verify_email', { userId: user.id, email }, ttl);
      await outbox.queue(accounts, `verify_email:${link.hash}`, email, 'verify_email', {
        link: link.url,
        username: user.username,
        lifetime: describeLifetime(ttl),
      });
      if (old !== null && old !== email)
        await outbox.queue(accounts, `email_changed:${link.hash}`, old, 'email_changed', {
          username: user.username,
          newEmail: email,
        });
      return link.expiresAt;
    });
    outbox.queued();
    await this.audit.record('email.change_requested', {
      actorId: user.id,
      targetId: user.id,
      ip,
      details: { had_email: old !== null },
    });
    return { email, expiresAt };
  }

  /** Opens the link as the account it was sent for: the address becomes the user's, verified. */
  async confirm(userId: string, token: string, ip: string | null): Promise<UserRecord> {
    const accounts = this.store.accounts;
    const link = await this.links.check(accounts, token, 'verify_email', ip, userId);
    const holder = await this.store.users.findByEmail(link.email ?? '');
    if (holder !== undefined && holder.id !== userId)
      throw new ConflictError('address taken', { detail: 'Another account uses this email address.' });
    await this.links.consume(accounts, link);
    const now = this.now();
    const updated = await this.store.users.update(userId, { email: link.email, emailVerifiedAt: now, updatedAt: now });
    if (updated === undefined) throw new NotFoundError('user');
    await this.audit.record('email.verified', { actorId: userId, targetId: userId, ip });
    return updated;
  }

  private async user(id: string): Promise<UserRecord> {
    const user = await this.store.users.findById(id);
    if (user === undefined) throw new NotFoundError('user');
    return user;
  }
}
