import type { Kysely, Migration } from 'kysely';

/**
 * The admin lists of users and sessions (GET /api/users, /api/sessions, the CLI) page in
 * (created_at, id) order. Without an index of that order each page sorted the whole table: an
 * event-loop stall that grew with every account and every login. Clients and audit events have
 * had theirs from the start (0004, 0001). The cost is one more index entry per user and per session.
 */
export const listOrder: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('users_created_at_id_idx').on('users').columns(['created_at', 'id']).execute();
    await db.schema.createIndex('sessions_created_at_id_idx').on('sessions').columns(['created_at', 'id']).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('sessions_created_at_id_idx').execute();
    await db.schema.dropIndex('users_created_at_id_idx').execute();
  },
};
