/**
 * Storage of the self-service account flows (0010_accounts): one-time links, invitations and the
 * mail outbox. Times are integer milliseconds; hashes are SHA-256 base64url (never the token).
 */

/** What a mailed link lets its holder do once. */
export type AccountLinkPurpose = 'verify_email' | 'password_reset' | 'invitation' | 'signup';

export interface AccountLinkRecord {
  /** SHA-256 of the token, base64url. */
  hash: string;
  purpose: AccountLinkPurpose;
  /** The account it is for; null for an invitation or a sign-up (no account yet). */
  userId: string | null;
  /** The address it was mailed to (normalised). */
  email: string | null;
  /** The invitation id, for `invitation`. */
  subjectId: string | null;
  /** Purpose-specific facts (a sign-up's username, password hash and role), JSON; never a secret in clear. */
  data: Record<string, unknown> | null;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface InvitationRecord {
  id: string;
  email: string;
  /** Role names (today a user has one: the first). */
  roles: string[];
  invitedBy: string | null;
  /**
   * The attributes the account will have (0013): today the payroll employee link
   * (`employee_id`) an admin chose, or none.
   */
  attributes: Record<string, unknown>;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
  /** The account made from it. */
  userId: string | null;
}

/** One queued message. The rendered body is sealed (it holds the link) until it is sent. */
export interface OutboxMessage {
  id: string;
  /** Unique per event: queuing the same event twice keeps the first message only. */
  eventKey: string;
  to: string;
  /** Which template rendered it (for logs and metrics: never the body). */
  template: string;
  /** Sealed `{subject, text, html}`; null once sent or given up. */
  bodySealed: string | null;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  leaseUntil: number | null;
  sentAt: number | null;
  failedAt: number | null;
  lastError: string | null;
}

export interface AccountsStore {
  createLink(link: AccountLinkRecord): Promise<void>;
  findLink(hash: string): Promise<AccountLinkRecord | undefined>;
  /** Marks the link used if it is unused and unexpired at `now`; of concurrent calls one wins. */
  consumeLink(hash: string, now: number): Promise<boolean>;
  /** Marks every unused link of the user for `purpose` used (a newer one replaces them). */
  retireLinks(userId: string, purpose: AccountLinkPurpose, now: number): Promise<number>;
  /** Deletes links that expired before `before`; returns how many. */
  purgeLinks(before: number): Promise<number>;

  createInvitation(invitation: InvitationRecord): Promise<void>;
  findInvitation(id: string): Promise<InvitationRecord | undefined>;
  /** Records the acceptance once; false when it was already accepted. */
  acceptInvitation(id: string, userId: string, at: number): Promise<boolean>;

  /** Queues a message; false (and nothing written) when its event key is already queued. */
  enqueue(message: OutboxMessage): Promise<boolean>;
  /**
   * Leases up to `limit` messages due at `now` (unsent, not given up, not leased by another
   * worker) until `now + leaseMs` and counts the attempt; a message is leased by one worker at a time.
   */
  claimDue(now: number, leaseMs: number, limit: number): Promise<OutboxMessage[]>;
  /** Marks it sent and forgets its body. */
  markSent(id: string, at: number): Promise<void>;
  /** Releases the lease with the next attempt time; `giveUp` marks it failed (body forgotten). */
  markFailed(id: string, error: string, nextAttemptAt: number, giveUp: boolean, at: number): Promise<void>;
  findMessage(eventKey: string): Promise<OutboxMessage | undefined>;

  /** Runs `work` in one transaction with a store bound to it: a link and its mail commit together. */
  atomically<T>(work: (accounts: AccountsStore) => Promise<T>): Promise<T>;
}
