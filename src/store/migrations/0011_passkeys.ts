import type { Kysely, Migration } from 'kysely';

/**
 * Passkeys (WebAuthn, issue #20): each user's registered credentials (public key, signature
 * counter, transports, name, backup state) and the pending ceremonies' challenges, kept only as
 * SHA-256 hashes, short-lived and deleted when used.
 */
export const passkeys: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('passkey_credentials')
      // The credential id (base64url) the authenticator chose: unique across every user.
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      // The COSE public key, base64url.
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('counter', 'bigint', (c) => c.notNull())
      // Space-separated WebAuthn transports (internal, usb, hybrid, ...).
      .addColumn('transports', 'text', (c) => c.notNull())
      .addColumn('device_type', 'text', (c) => c.notNull())
      .addColumn('backed_up', 'integer', (c) => c.notNull())
      .addColumn('aaguid', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('passkey_credentials_user_id_idx')
      .on('passkey_credentials')
      .column('user_id')
      .execute();

    await db.schema
      .createTable('passkey_challenges')
      .addColumn('hash', 'text', (c) => c.primaryKey())
      .addColumn('purpose', 'text', (c) => c.notNull())
      // The registering user; null for a sign-in (the credential says whose it is).
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('passkey_challenges_expires_at_idx')
      .on('passkey_challenges')
      .column('expires_at')
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('passkey_challenges').execute();
    await db.schema.dropTable('passkey_credentials').execute();
  },
};
