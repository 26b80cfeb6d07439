import type { Kysely, Migration } from 'kysely';

/**
 * Second factor and account administration (issue #13): TOTP enrolments (secret sealed under the
 * master key), recovery code hashes, the pending steps of a login (mfa_token,
 * password_change_token: hashes only), failed logins per account, how each session was
 * authenticated (RFC 8176 amr) and the must-change-password flag of an admin reset.
 */
export const mfa: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('users')
      .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    // Space-separated amr values; null (sessions from before) means password only.
    await db.schema.alterTable('sessions').addColumn('amr', 'text').execute();

    await db.schema
      .createTable('totp_enrolments')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('secret_sealed', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('confirmed_at', 'bigint')
      .addColumn('last_step', 'bigint')
      .execute();

    await db.schema
      .createTable('mfa_recovery_codes')
      .addColumn('hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema.createIndex('mfa_recovery_codes_user_id_idx').on('mfa_recovery_codes').column('user_id').execute();

    await db.schema
      .createTable('login_challenges')
      .addColumn('hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('amr', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('login_challenges_expires_at_idx')
      .on('login_challenges')
      .column('expires_at')
      .execute();

    await db.schema
      .createTable('login_failures')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('first_failed_at', 'bigint', (c) => c.notNull())
      .addColumn('last_failed_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('login_failures_pkey', ['user_id', 'ip'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['login_failures', 'login_challenges', 'mfa_recovery_codes', 'totp_enrolments']) {
      await db.schema.dropTable(table).execute();
    }
    await db.schema.alterTable('sessions').dropColumn('amr').execute();
    await db.schema.alterTable('users').dropColumn('must_change_password').execute();
  },
};
