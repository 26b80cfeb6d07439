import type { Kysely, Migration } from 'kysely';

/**
 * Accounts people run themselves (issue #20): an email address on users (normalised, unique,
 * verified or not), the one-time links mailed to them (SHA-256 hashes only), invitations, and the
 * durable mail outbox a worker delivers from (bodies sealed under the master key until sent).
 */
export const accounts: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('users').addColumn('email', 'text').execute();
    await db.schema.alterTable('users').addColumn('email_verified_at', 'bigint').execute();
    // NULLs are distinct in a unique index on both SQLite and Postgres: many users without one.
    await db.schema.createIndex('users_email_key').unique().on('users').column('email').execute();

    await db.schema
      .createTable('account_links')
      .addColumn('hash', 'text', (c) => c.primaryKey())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('email', 'text')
      .addColumn('subject_id', 'text')
      .addColumn('data', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema.createIndex('account_links_expires_at_idx').on('account_links').column('expires_at').execute();
    await db.schema.createIndex('account_links_user_id_idx').on('account_links').column('user_id').execute();

    await db.schema
      .createTable('invitations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('invited_by', 'text')
      // The payroll employee record the account will be (an admin's choice); checked when invited.
      .addColumn('employee_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('accepted_at', 'bigint')
      .addColumn('user_id', 'text')
      .execute();
    await db.schema.createIndex('invitations_email_idx').on('invitations').column('email').execute();

    await db.schema
      .createTable('mail_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // One message per event: a retried request or a second worker cannot queue it twice.
      .addColumn('event_key', 'text', (c) => c.notNull().unique())
      .addColumn('to_address', 'text', (c) => c.notNull())
      .addColumn('template', 'text', (c) => c.notNull())
      .addColumn('body_sealed', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('lease_until', 'bigint')
      .addColumn('sent_at', 'bigint')
      .addColumn('failed_at', 'bigint')
      .addColumn('last_error', 'text')
      .execute();
    await db.schema
      .createIndex('mail_outbox_due_idx')
      .on('mail_outbox')
      .columns(['sent_at', 'next_attempt_at'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['mail_outbox', 'invitations', 'account_links']) await db.schema.dropTable(table).execute();
    await db.schema.dropIndex('users_email_key').execute();
    await db.schema.alterTable('users').dropColumn('email_verified_at').execute();
    await db.schema.alterTable('users').dropColumn('email').execute();
  },
};
