import { sql, type Kysely, type Migration } from 'kysely';
import { isPostgres } from '../sql/values.js';

/**
 * Each SSF stream keeps a watermark, so a poll no longer walks past every event the stream has
 * acknowledged (71 ms a poll beside 100,000 of them).
 * - `security_events.logged_at`: the database's clock when the event was written (not its
 *   `occurred_at`, which is a cut-off and may lie up to the skew either side of it). An event
 *   is committed within a bounded time of its stamp, so a stream's watermark can pass a stamp
 *   for good once that time is over (src/store/sql/security-events.ts).
 * - Every writer stamps it, an older release that still runs beside this one during a rolling
 *   upgrade included: on Postgres the column's default is the database's clock; SQLite allows no
 *   such default on an added column, so a trigger stamps a row written without one.
 * - `security_event_streams.acked_through`: every live event logged at or before it has been
 *   acknowledged by the stream; null when nothing is known (every existing stream, at first).
 * Values are written out here, not imported: a migration describes one moment.
 */

const POSTGRES_NOW_MS = sql`(floor(extract(epoch from clock_timestamp()) * 1000))::bigint`;
const SQLITE_NOW_MS = sql`cast((julianday('now') - 2440587.5) * 86400000 as integer)`;

export const eventLogOrder: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    if (isPostgres(db)) {
      // A volatile default: the table is rewritten once and existing rows get the migration's time.
      await db.schema
        .alterTable('security_events')
        .addColumn('logged_at', 'bigint', (c) => c.notNull().defaultTo(POSTGRES_NOW_MS))
        .execute();
    } else {
      await db.schema.alterTable('security_events').addColumn('logged_at', 'bigint').execute();
      await sql`update security_events set logged_at = ${SQLITE_NOW_MS}`.execute(db);
      await sql`create trigger security_events_logged_at after insert on security_events
        when new.logged_at is null
        begin update security_events set logged_at = ${SQLITE_NOW_MS} where rowid = new.rowid; end`.execute(db);
    }
    // The order polls read the log in, from a stream's watermark on.
    await db.schema
      .createIndex('security_events_logged_idx')
      .on('security_events')
      .columns(['logged_at', 'id'])
      .execute();
    await db.schema.alterTable('security_event_streams').addColumn('acked_through', 'bigint').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    if (!isPostgres(db)) await sql`drop trigger if exists security_events_logged_at`.execute(db);
    await db.schema.dropIndex('security_events_logged_idx').execute();
    await db.schema.alterTable('security_events').dropColumn('logged_at').execute();
    await db.schema.alterTable('security_event_streams').dropColumn('acked_through').execute();
  },
};
