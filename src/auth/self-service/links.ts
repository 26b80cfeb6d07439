import { createHash, randomBytes } from 'node:crypto';
import { LinkExpiredError, LinkInvalidError, LinkUsedError, LinkWrongAccountError } from '../../errors/index.js';
import type { AccountLinkPurpose, AccountLinkRecord, AccountsStore } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';

/** 256 random bits, base64url: 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Where each link opens in the console (its token in the `token` query parameter). */
export const LINK_PAGES: Record<AccountLinkPurpose, string> = {
  invitation: '/accept-invitation',
  password_reset: '/reset-password',
  verify_email: '/verify-email',
  signup: '/confirm-signup',
};

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

export interface NewLink {
  userId?: string | null;
  email?: string | null;
  subjectId?: string | null;
  data?: Record<string, unknown> | null;
}

/**
 * The single-use tokens mailed as links: 256 random bits, stored only as their SHA-256. A link
 * is checked (and its form filled) before it is consumed, so a refused password leaves it usable;
 * consuming is atomic, so of two racing uses one wins.
 */
export class AccountLinks {
  constructor(
    private readonly audit: AuditLog,
    private readonly consoleUrl: string,
    private readonly now: () => number,
  ) {}

  /** Stores a new link (in `accounts`, which may be a transaction) and returns its URL. */
  async issue(
    accounts: AccountsStore,
    purpose: AccountLinkPurpose,
    link: NewLink,
    ttlSeconds: number,
  ): Promise<{ url: string; expiresAt: number; hash: string }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const record: AccountLinkRecord = {
      hash: hashLinkToken(token),
      purpose,
      userId: link.userId ?? null,
      email: link.email ?? null,
      subjectId: link.subjectId ?? null,
      data: link.data ?? null,
      createdAt: now,
      expiresAt: now + ttlSeconds * 1000,
      usedAt: null,
    };
    await accounts.createLink(record);
    const url = new URL(LINK_PAGES[purpose], `${this.consoleUrl}/`);
    url.searchParams.set('token', token);
    return { url: url.href, expiresAt: record.expiresAt, hash: record.hash };
  }

  /**
   * The live link of `token` for `purpose` (and, when given, for that signed-in user); throws
   * link_invalid / link_expired / link_used / link_wrong_account, each audited without the token.
   */
  async check(
    accounts: AccountsStore,
    token: string,
    purpose: AccountLinkPurpose,
    ip: string | null,
    userId?: string,
  ): Promise<AccountLinkRecord> {
    const link = TOKEN.test(token) ? await accounts.findLink(hashLinkToken(token)) : undefined;
    const refuse = async (reason: string, error: Error): Promise<never> => {
      await this.audit.record('link.refused', {
        actorId: userId ?? null,
        targetId: link?.userId ?? null,
        ip,
        details: { purpose, reason },
      });
      throw error;
    };
    if (link === undefined) return refuse('unknown', new LinkInvalidError('unknown'));
    if (link.purpose !== purpose) return refuse('other_purpose', new LinkInvalidError('other purpose'));
    if (userId !== undefined && link.userId !== userId) return refuse('other_account', new LinkWrongAccountError());
    if (link.usedAt !== null) return refuse('used', new LinkUsedError());
    if (link.expiresAt <= this.now()) return refuse('expired', new LinkExpiredError());
    return link;
  }

  /** Spends a checked link; a use that lost the race (or an expiry since the check) is link_used / link_expired. */
  async consume(accounts: AccountsStore, link: AccountLinkRecord): Promise<void> {
    if (await accounts.consumeLink(link.hash, this.now())) return;
    throw link.expiresAt <= this.now() ? new LinkExpiredError() : new LinkUsedError();
  }
}
