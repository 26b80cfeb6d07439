import { InvalidRequestError, LinkInvalidError } from '../../errors/index.js';
import { isRejection, RequestLimit, type LimiterBackend } from '../../http/rate-limit.js';
import type { AccountSettings } from '../../config/index.js';
import type { Store, UserRecord } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Outbox } from '../mail/outbox.js';
import { describeLifetime } from '../mail/templates.js';
import { assertAcceptablePassword, hashPassword } from '../passwords/passwords.js';
import type { RevocationService } from '../revocation/revocation-service.js';
import type { SessionService } from '../sessions/session-service.js';
import { normaliseUsername } from '../users/usernames.js';
import { normaliseEmail } from './email.js';
import type { AccountLinks } from './links.js';
import { requireMail } from './mail-gate.js';

/** Reset mails per address (or username) and per account per hour; more are dropped silently. */
export const RESET_MAILS_PER_HOUR = 3;
/** Reset requests per client address per hour; more answer 429. */
export const RESET_REQUESTS_PER_IP_PER_HOUR = 30;

export type ResetRequest = { email: string } | { username: string };

/**
 * Forgot password. The request answers 202 before anything is looked up: the lookup, the link
 * and its mail happen after the answer, so neither the body nor the timing says whether an
 * account exists. The link lives BULWARK_PASSWORD_RESET_TTL; using it sets the password and ends
 * every session of the account (their access tokens included), and mails a notice.
 */
export class PasswordResets {
  readonly #pending = new Set<Promise<void>>();
  #onError: (error: unknown) => void = () => {};
  private readonly perIp: RequestLimit;
  private readonly perIdentifier;
  private readonly perAccount;

  constructor(
    private readonly store: Store,
    private readonly sessions: SessionService,
    private readonly revocations: RevocationService,
    private readonly audit: AuditLog,
    private readonly links: AccountLinks,
    private readonly outbox: Outbox | undefined,
    limits: LimiterBackend,
    private readonly settings: AccountSettings,
    private readonly now: () => number,
  ) {
    this.perIp = new RequestLimit(
      limits.create({ name: 'reset-ip', points: RESET_REQUESTS_PER_IP_PER_HOUR, durationSeconds: 3_600 }),
    );
    this.perIdentifier = limits.create({ name: 'reset-id', points: RESET_MAILS_PER_HOUR, durationSeconds: 3_600 });
    this.perAccount = limits.create({ name: 'reset-user', points: RESET_MAILS_PER_HOUR, durationSeconds: 3_600 });
  }

  /** Where failures of the work done after the answer are reported (the process's log). */
  onError(listener: (error: unknown) => void): void {
    this.#onError = listener;
  }

  /** Validates, throttles per client address, and accepts; the rest runs after the answer. */
  async request(input: ResetRequest, ip: string | null): Promise<void> {
    const outbox = requireMail(this.outbox);
    const identifier =
      'email' in input ? { email: normaliseEmail(input.email) } : { username: normaliseUsername(input.username) };
    await this.perIp.hit(ip ?? 'unknown');
    const work = this.process(identifier, outbox, ip).catch((error: unknown) => this.#onError(error));
    this.#pending.add(work);
    void work.finally(() => this.#pending.delete(work));
  }

  private async process(
    identifier: { email: string } | { username: string },
    outbox: Outbox,
    ip: string | null,
  ): Promise<void> {
    const key = 'email' in identifier ? `e:${identifier.email}` : `u:${identifier.username}`;
    const user =
      'email' in identifier
        ? await this.store.users.findByEmail(identifier.email)
        : await this.store.users.findByUsername(identifier.username);
    const by = 'email' in identifier ? 'email' : 'username';
    if (user === undefined || user.disabled || user.email === null || user.email === undefined) {
      const reason = user === undefined ? 'unknown_account' : user.disabled ? 'disabled' : 'no_email';
      await this.audit.record('password_reset.requested', {
        targetId: user?.id ?? null,
        ip,
        details: { by, sent: false, reason },
      });
      return;
    }
    if (!(await this.allowed(key)) || !(await this.allowed(user.id, this.perAccount))) {
      await this.audit.record('password_reset.throttled', { targetId: user.id, ip, details: { by } });
      return;
    }
    const email = user.email;
    await this.store.accounts.atomically(async (accounts) => {
      await accounts.retireLinks(user.id, 'password_reset', this.now());
      const link = await this.links.issue(
        accounts,
        'password_reset',
        { userId: user.id, email },
        this.settings.passwordResetTtlSeconds,
      );
      await outbox.queue(accounts, `password_reset:${link.hash}`, email, 'password_reset', {
        link: link.url,
        username: user.username,
        lifetime: describeLifetime(this.settings.passwordResetTtlSeconds),
      });
    });
    outbox.queued();
    await this.audit.record('password_reset.requested', { targetId: user.id, ip, details: { by, sent: true } });
  }

  private async allowed(key: string, limiter = this.perIdentifier): Promise<boolean> {
    try {
      await limiter.consume(key);
      return true;
    } catch (error) {
      if (isRejection(error)) return false;
      throw error;
    }
  }

  /** Sets the new password from a reset link and ends every session of the account. */
  async confirm(token: string, newPassword: string, ip: string | null): Promise<UserRecord> {
    const accounts = this.store.accounts;
    const link = await this.links.check(accounts, token, 'password_reset', ip);
    const user = link.userId === null ? undefined : await this.store.users.findById(link.userId);
    if (user === undefined || user.disabled) throw new LinkInvalidError('account gone or disabled');
    assertAcceptablePassword(newPassword, user.username);
    const passwordHash = await hashPassword(newPassword);
    await this.links.consume(accounts, link);
    const now = this.now();
    const updated = await this.store.users.update(user.id, {
      passwordHash,
      passwordChangedAt: now,
      mustChangePassword: false,
      updatedAt: now,
    });
    if (updated === undefined) throw new InvalidRequestError('account gone');
    // Each session's revocation (sid) stops its live access tokens too, as on logout; a user-wide
    // cut-off would also refuse the login that follows within the same second.
    const revoked = await this.sessions.revokeAllSessions(user.id, 'password_reset');
    await this.revocations.credentialChanged(user.id);
    await this.store.loginFailures.clear(user.id);
    if (this.outbox !== undefined && user.email !== null && user.email !== undefined) {
      await this.outbox.queue(accounts, `password_changed:${link.hash}`, user.email, 'password_changed', {
        username: user.username,
      });
      this.outbox.queued();
    }
    await this.audit.record('password_reset.completed', {
      actorId: user.id,
      targetId: user.id,
      ip,
      details: { sessions_revoked: revoked },
    });
    return updated;
  }

  /** Waits for the work of requests already answered (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.#pending]);
  }
}
