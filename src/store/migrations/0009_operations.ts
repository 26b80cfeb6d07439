import type { Kysely, Migration } from 'kysely';

/**
 * Readiness writes (docs/contract.md §12.2): one row that every instance's /readyz updates, so
 * that a database which answers reads but cannot commit (a full disk, a read-only file system)
 * reports not ready.
 */
export const operations: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('readiness_probe')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('probed_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('readiness_probe').execute();
  },
};
