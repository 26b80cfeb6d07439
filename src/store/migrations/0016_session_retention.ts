import type { Kysely, Migration } from 'kysely';

/**
 * Sessions are deleted, with their refresh tokens, a while after they expire (the ended-session
 * purge, AUTH_DEFAULTS.endedSessionKeepMs); this index finds the oldest of them. Written once per
 * login, never by a refresh.
 */
export const sessionRetention: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('sessions_expires_at_idx').on('sessions').column('expires_at').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('sessions_expires_at_idx').execute();
  },
};
