import { sql, type Kysely } from 'kysely';
import type { Database, SecurityEventsTable, SecurityEventStreamsTable } from '../schema.js';
import type { SecurityEventRecord, SecurityEventsStore, SecurityEventStreamRecord } from '../types.js';
import { ms } from './values.js';

function toEvent(row: SecurityEventsTable): SecurityEventRecord {
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
        })
        .execute();
    },

    async pending(streamId: string, now: number, limit: number): Promise<SecurityEventRecord[]> {
      const rows = await db
        .selectFrom('security_events as e')
        .selectAll('e')
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
        .orderBy('e.occurred_at')
        .orderBy('e.id')
        .limit(limit)
        .execute();
      return rows.map(toEvent);
    },

    async acknowledge(streamId: string, eventIds: readonly string[]): Promise<void> {
      if (eventIds.length === 0) return;
      // Only ids of events still in the log: an ack for a pruned or unknown event is a no-op.
      const known = await db
        .selectFrom('security_events')
        .select('id')
        .where('id', 'in', [...eventIds])
        .execute();
      if (known.length === 0) return;
      await db
        .insertInto('security_event_acks')
        .values(known.map((row) => ({ stream_id: streamId, event_id: row.id })))
        .onConflict((oc) => oc.columns(['stream_id', 'event_id']).doNothing())
        .execute();
    },

    async changeMarker(): Promise<string> {
      const row = await db
        .selectFrom('security_events')
        .select([sql<number | string>`count(*)`.as('n'), sql<number | string | null>`max(occurred_at)`.as('latest')])
        .executeTakeFirst();
      return `${row?.n ?? 0}:${row?.latest ?? 0}`;
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
