import type { Kysely, Migration } from 'kysely';

/**
 * A session's last refresh is read from its newest refresh token instead of being written to the
 * session on every rotation (sessions.ts, lastRefreshedAtOf): `refresh_tokens(session_id,
 * created_at)` finds it in one seek. It replaces the `session_id` index, which it covers (the
 * foreign key's cascade and the ended-session purge look tokens up by session), so a rotation
 * still writes one index entry besides the token's own, and one row instead of two.
 */
export const refreshChainOrder: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createIndex('refresh_tokens_session_created_idx')
      // An operator may have built it beforehand (CREATE INDEX CONCURRENTLY: docs/upgrading.md).
      .ifNotExists()
      .on('refresh_tokens')
      .columns(['session_id', 'created_at'])
      .execute();
    await db.schema.dropIndex('refresh_tokens_session_id_idx').ifExists().execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('refresh_tokens_session_id_idx').on('refresh_tokens').column('session_id').execute();
    await db.schema.dropIndex('refresh_tokens_session_created_idx').execute();
  },
};
