import type { Kysely } from 'kysely';
import type { AccountLinksTable, AccountsTables, InvitationsTable, MailOutboxTable } from '../accounts-schema.js';
import type {
  AccountLinkPurpose,
  AccountLinkRecord,
  AccountsStore,
  InvitationRecord,
  OutboxMessage,
} from '../accounts-types.js';
import { ms, msOrNull } from './values.js';
import { employeeColumnMirror, parseAttributes } from './attributes.js';

function toLink(row: AccountLinksTable): AccountLinkRecord {
  return {
    hash: row.hash,
    purpose: row.purpose as AccountLinkPurpose,
    userId: row.user_id,
    email: row.email,
    subjectId: row.subject_id,
    data: row.data === null ? null : (JSON.parse(row.data) as Record<string, unknown>),
    createdAt: ms(row.created_at),
    expiresAt: ms(row.expires_at),
    usedAt: msOrNull(row.used_at),
  };
}

function toInvitation(row: InvitationsTable): InvitationRecord {
  return {
    id: row.id,
    email: row.email,
    roles: row.roles.split(' ').filter((r) => r !== ''),
    invitedBy: row.invited_by,
    attributes: parseAttributes(row.attributes),
    createdAt: ms(row.created_at),
    expiresAt: ms(row.expires_at),
    acceptedAt: msOrNull(row.accepted_at),
    userId: row.user_id,
  };
}

function toMessage(row: MailOutboxTable): OutboxMessage {
  return {
    id: row.id,
    eventKey: row.event_key,
    to: row.to_address,
    template: row.template,
    bodySealed: row.body_sealed,
    createdAt: ms(row.created_at),
    attempts: Number(row.attempts),
    nextAttemptAt: ms(row.next_attempt_at),
    leaseUntil: msOrNull(row.lease_until),
    sentAt: msOrNull(row.sent_at),
    failedAt: msOrNull(row.failed_at),
    lastError: row.last_error,
  };
}

export function sqlAccounts<DB>(base: Kysely<DB>): AccountsStore {
  const db = base.withTables<AccountsTables>() as unknown as Kysely<AccountsTables>;
  const store: AccountsStore = {
    async createLink(link: AccountLinkRecord): Promise<void> {
      await db
        .insertInto('account_links')
        .values({
          hash: link.hash,
          purpose: link.purpose,
          user_id: link.userId,
          email: link.email,
          subject_id: link.subjectId,
          data: link.data === null ? null : JSON.stringify(link.data),
          created_at: link.createdAt,
          expires_at: link.expiresAt,
          used_at: link.usedAt,
        })
        .execute();
    },

    async findLink(hash: string): Promise<AccountLinkRecord | undefined> {
      const row = await db.selectFrom('account_links').selectAll().where('hash', '=', hash).executeTakeFirst();
      return row === undefined ? undefined : toLink(row);
    },

    async consumeLink(hash: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('account_links')
        .set({ used_at: now })
        .where('hash', '=', hash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async retireLinks(userId: string, purpose: AccountLinkPurpose, now: number): Promise<number> {
      const result = await db
        .updateTable('account_links')
        .set({ used_at: now })
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async purgeLinks(before: number): Promise<number> {
      const result = await db.deleteFrom('account_links').where('expires_at', '<=', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async createInvitation(i: InvitationRecord): Promise<void> {
      await db
        .insertInto('invitations')
        .values({
          id: i.id,
          email: i.email,
          roles: i.roles.join(' '),
          invited_by: i.invitedBy,
          employee_id: employeeColumnMirror(i.attributes),
          attributes: JSON.stringify(i.attributes),
          created_at: i.createdAt,
          expires_at: i.expiresAt,
          accepted_at: i.acceptedAt,
          user_id: i.userId,
        })
        .execute();
    },

    async findInvitation(id: string): Promise<InvitationRecord | undefined> {
      const row = await db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toInvitation(row);
    },

    async acceptInvitation(id: string, userId: string, at: number): Promise<boolean> {
      const result = await db
        .updateTable('invitations')
        .set({ accepted_at: at, user_id: userId })
        .where('id', '=', id)
        .where('accepted_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async enqueue(m: OutboxMessage): Promise<boolean> {
      // ON CONFLICT DO NOTHING rather than catching the violation: inside a Postgres transaction
      // a failed insert would abort the whole transaction.
      const result = await db
        .insertInto('mail_outbox')
        .values({
          id: m.id,
          event_key: m.eventKey,
          to_address: m.to,
          template: m.template,
          body_sealed: m.bodySealed,
          created_at: m.createdAt,
          attempts: m.attempts,
          next_attempt_at: m.nextAttemptAt,
          lease_until: m.leaseUntil,
          sent_at: m.sentAt,
          failed_at: m.failedAt,
          last_error: m.lastError,
        })
        .onConflict((oc) => oc.column('event_key').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    async claimDue(now: number, leaseMs: number, limit: number): Promise<OutboxMessage[]> {
      const due = await db
        .selectFrom('mail_outbox')
        .select('id')
        .where('sent_at', 'is', null)
        .where('failed_at', 'is', null)
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
        .orderBy('next_attempt_at', 'asc')
        .limit(limit)
        .execute();
      const claimed: OutboxMessage[] = [];
      for (const { id } of due) {
        // Conditional on the lease being free still: of workers racing for a message one wins.
        const row = await db
          .updateTable('mail_outbox')
          .set((eb) => ({ lease_until: now + leaseMs, attempts: eb('attempts', '+', 1) }))
          .where('id', '=', id)
          .where('sent_at', 'is', null)
          .where('failed_at', 'is', null)
          .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
          .returningAll()
          .executeTakeFirst();
        if (row !== undefined) claimed.push(toMessage(row));
      }
      return claimed;
    },

    async markSent(id: string, at: number): Promise<void> {
      await db
        .updateTable('mail_outbox')
        .set({ sent_at: at, lease_until: null, body_sealed: null, last_error: null })
        .where('id', '=', id)
        .execute();
    },

    async markFailed(id: string, error: string, nextAttemptAt: number, giveUp: boolean, at: number): Promise<void> {
      await db
        .updateTable('mail_outbox')
        .set(
          giveUp
            ? { failed_at: at, lease_until: null, body_sealed: null, last_error: error.slice(0, 300) }
            : { next_attempt_at: nextAttemptAt, lease_until: null, last_error: error.slice(0, 300) },
        )
        .where('id', '=', id)
        .where('sent_at', 'is', null)
        .execute();
    },

    async findMessage(eventKey: string): Promise<OutboxMessage | undefined> {
      const row = await db.selectFrom('mail_outbox').selectAll().where('event_key', '=', eventKey).executeTakeFirst();
      return row === undefined ? undefined : toMessage(row);
    },

    atomically<T>(work: (accounts: AccountsStore) => Promise<T>): Promise<T> {
      return db.transaction().execute((trx) => work(sqlAccounts(trx as unknown as Kysely<AccountsTables>)));
    },
  };
  return store;
}
