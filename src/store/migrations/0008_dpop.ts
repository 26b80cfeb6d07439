import type { Kysely, Migration } from 'kysely';

/**
 * DPoP (RFC 9449 §5): a session started with a DPoP proof is bound to that key: its RFC 7638
 * thumbprint, which every refresh of the session must prove again. Null: an unbound session.
 */
export const dpop: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('sessions').addColumn('dpop_jkt', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('sessions').dropColumn('dpop_jkt').execute();
  },
};
