import type { Kysely, Migration } from 'kysely';

/** OAuth 2 machine clients (issue #12): portable types only, like 0001_auth_core. */
export const oauthClients: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('oauth_clients')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('auth_method', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text')
      .addColumn('jwks', 'text')
      .addColumn('jwks_uri', 'text')
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('audiences', 'text', (c) => c.notNull())
      .addColumn('introspection', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('secret_issued_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('oauth_clients_created_at_id_idx')
      .on('oauth_clients')
      .columns(['created_at', 'id'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('oauth_clients').execute();
  },
};
