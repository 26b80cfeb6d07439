import { sql, type Kysely } from 'kysely';
import type { Database, SecurityEventsTable, SecurityEventStreamsTable } from '../schema.js';
import type { SecurityEventRecord, SecurityEventsStore, SecurityEventStreamRecord } from '../types.js';
import { isPostgres, ms, statementClockMs } from './values.js';

/**
 * How long after its stamp (`logged_at`) an event is surely visible, so that a stream's
 * watermark may pass the stamp for good. The stamp and the watermark's cut-off are both read
 * from the database's clock as their statements run (statementClockMs).
 * - Postgres: the row is visible once its commit returns, which may lag the statement (a slow
 *   disk, a synchronous standby); its deadline (BULWARK_DB_STATEMENT_TIMEOUT_MS, at most 60 s)
 *   bounds the statement, and twice that leaves room for the commit.
 * - SQLite: the insert and its commit run under the file's one write lock, which the watermark's
 *   update must take too, so every row stamped before that update is already there; the margin
 *   is for the machine's clock being set back.
 */
export const EVENT_SETTLE_MS = { postgres: 120_000, sqlite: 5_000 } as const;

function toEvent(row: Omit<SecurityEventsTable, 'logged_at'>): SecurityEventRecord {
  return {
    id: row.id,
    kind: row.kind,
    subject: row.subject,
    reason: row.reason,
    occurredAt: ms(row.occurred_at),
    expiresAt: ms(row.expires_at),
  };
}

function toStream(row: SecurityEventStreamsTable): SecurityEventStreamRecord {
  return { id: row.id, clientId: row.client_id, createdAt: ms(row.created_at), lastPolledAt: ms(row.last_polled_at) };
}

export function sqlSecurityEvents(db: Kysely<Database>): SecurityEventsStore {
  const nowMs = statementClockMs(db);
  const settleDefault = isPostgres(db) ? EVENT_SETTLE_MS.postgres : EVENT_SETTLE_MS.sqlite;
  return {
    async append(event: SecurityEventRecord): Promise<void> {
      await db
        .insertInto('security_events')
        .values({
          id: event.id,
          kind: event.kind,
          subject: event.subject,
          reason: event.reason,
          occurred_at: event.occurredAt,
          expires_at: event.expiresAt,
          logged_at: nowMs,
        })
        .execute();
    },

    async pending(streamId: string, now: number, limit: number): Promise<SecurityEventRecord[]> {
      // From the stream's watermark on, in the order events were logged: what lies before the
      // watermark is acknowledged (or expired), so the walk skips it.
      const rows = await db
        .selectFrom('security_events as e')
        .select(['e.id', 'e.kind', 'e.subject', 'e.reason', 'e.occurred_at', 'e.expires_at'])
        .where(
          'e.logged_at',
          '>',
          sql<number>`coalesce((select s.acked_through from security_event_streams as s where s.id = ${streamId}), -1)`,
        )
        .where('e.expires_at', '>', now)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('security_event_acks as a')
                .select('a.event_id')
                .whereRef('a.event_id', '=', 'e.id')
                .where('a.stream_id', '=', streamId),
            ),
          ),
        )
        .orderBy('e.logged_at')
        .orderBy('e.id')
        .limit(limit)
        .execute();
      return rows.map(toEvent);
    },

    async acknowledge(
      streamId: string,
      eventIds: readonly string[],
      now: number,
      settleMs: number = settleDefault,
    ): Promise<void> {
      if (eventIds.length === 0) return;
      // One transaction, one commit: the acknowledgements, then the watermark they may move.
      await db.transaction().execute(async (trx) => {
        // Only ids of events still in the log: an ack for a pruned or unknown event is a no-op.
        await trx
          .insertInto('security_event_acks')
          .columns(['stream_id', 'event_id'])
          .expression(
            trx
              .selectFrom('security_events')
              .select([sql<string>`${streamId}`.as('stream_id'), 'id as event_id'])
              .where('id', 'in', [...eventIds]),
          )
          .onConflict((oc) => oc.columns(['stream_id', 'event_id']).doNothing())
          .execute();
        // The watermark moves up to the first live event it has not acknowledged among those
        // settled (stamped before `settled`), or to `settled` when there is none. Acknowledgements
        // are only removed with their events, so a watermark once right stays right: two of these
        // racing may leave the lower one, never a wrong one.
        const settled = sql<number>`${nowMs} - ${settleMs}`;
        await trx
          .updateTable('security_event_streams')
          .set({
            acked_through: sql<number>`coalesce((
              select e.logged_at - 1 from security_events as e
              where e.logged_at > coalesce(security_event_streams.acked_through, -1)
                and e.logged_at <= ${settled}
                and e.expires_at > ${now}
                and not exists (
                  select 1 from security_event_acks as a
                  where a.stream_id = security_event_streams.id and a.event_id = e.id)
              order by e.logged_at limit 1), ${settled})`,
          })
          .where('id', '=', streamId)
          .execute();
      });
    },

    async changeMarker(): Promise<string> {
      // The newest stamp, and how many events lie in the settling window below it: an append
      // that commits after a reading either stamps later than that reading's newest or, written
      // while it was read, lands within the window (it settles later than the newest did).
      const row = await db
        .selectNoFrom([
          sql<number | string | null>`(select max(logged_at) from security_events)`.as('latest'),
          sql<number | string>`(select count(*) from security_events
            where logged_at > (select max(logged_at) from security_events) - ${settleDefault})`.as('n'),
        ])
        .executeTakeFirst();
      return `${row?.latest ?? 0}:${row?.n ?? 0}`;
    },

    async createStream(stream: SecurityEventStreamRecord): Promise<void> {
      await db
        .insertInto('security_event_streams')
        .values({
          id: stream.id,
          client_id: stream.clientId,
          created_at: stream.createdAt,
          last_polled_at: stream.lastPolledAt,
        })
        .execute();
    },

    async findStream(id: string): Promise<SecurityEventStreamRecord | undefined> {
      const row = await db.selectFrom('security_event_streams').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toStream(row);
    },

    async listStreams(clientId: string): Promise<SecurityEventStreamRecord[]> {
      const rows = await db
        .selectFrom('security_event_streams')
        .selectAll()
        .where('client_id', '=', clientId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toStream);
    },

    async touchStream(id: string, at: number): Promise<void> {
      await db.updateTable('security_event_streams').set({ last_polled_at: at }).where('id', '=', id).execute();
    },

    async deleteStream(id: string): Promise<boolean> {
      // Acks first: the foreign key cascades, but not every connection has foreign keys on.
      await db.deleteFrom('security_event_acks').where('stream_id', '=', id).execute();
      const result = await db.deleteFrom('security_event_streams').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async purge(now: number, idleBefore: number): Promise<{ events: number; streams: number }> {
      return db.transaction().execute(async (trx) => {
        const expired = trx.selectFrom('security_events').select('id').where('expires_at', '<=', now);
        await trx.deleteFrom('security_event_acks').where('event_id', 'in', expired).execute();
        const events = await trx.deleteFrom('security_events').where('expires_at', '<=', now).executeTakeFirst();
        const idle = trx.selectFrom('security_event_streams').select('id').where('last_polled_at', '<', idleBefore);
        await trx.deleteFrom('security_event_acks').where('stream_id', 'in', idle).execute();
        const streams = await trx
          .deleteFrom('security_event_streams')
          .where('last_polled_at', '<', idleBefore)
          .executeTakeFirst();
        return { events: Number(events.numDeletedRows), streams: Number(streams.numDeletedRows) };
      });
    },
  };
}
