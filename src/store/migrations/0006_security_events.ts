import type { Kysely, Migration } from 'kysely';

/**
 * The security event log behind the SET feed (RFC 8417/8936): events (pruned once they cover no
 * live token), receivers' streams, and which events each stream has acknowledged.
 */
export const securityEvents: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('security_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('security_events_order_idx')
      .on('security_events')
      .columns(['occurred_at', 'id'])
      .execute();
    await db.schema.createIndex('security_events_expires_at_idx').on('security_events').column('expires_at').execute();

    await db.schema
      .createTable('security_event_streams')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_polled_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('security_event_streams_client_idx')
      .on('security_event_streams')
      .column('client_id')
      .execute();

    await db.schema
      .createTable('security_event_acks')
      .addColumn('stream_id', 'text', (c) => c.notNull().references('security_event_streams.id').onDelete('cascade'))
      .addColumn('event_id', 'text', (c) => c.notNull().references('security_events.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('security_event_acks_pkey', ['stream_id', 'event_id'])
      .execute();
    await db.schema.createIndex('security_event_acks_event_idx').on('security_event_acks').column('event_id').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['security_event_acks', 'security_event_streams', 'security_events']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
