import type { CompiledQuery, Kysely } from 'kysely';
import type { AuditEventsTable, Database } from '../schema.js';
import type { AuditEvent, AuditFilter, AuditStore, Page, PageRequest } from '../types.js';
import { CompiledInsert } from './compiled.js';
import { afterCursor, toPage } from './cursor.js';
import { ms } from './values.js';

function toEvent(row: AuditEventsTable): AuditEvent {
  return {
    id: row.id,
    at: ms(row.at),
    type: row.type,
    actorId: row.actor_id,
    targetId: row.target_id,
    ip: row.ip,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

/** Every login, payment and admin change appends one: built and compiled once per dialect. */
const APPEND = new CompiledInsert<Database, 'audit_events', keyof AuditEventsTable>('audit_events', [
  'id',
  'at',
  'type',
  'actor_id',
  'target_id',
  'ip',
  'details',
]);

function auditRow(event: AuditEvent) {
  return {
    id: event.id,
    at: event.at,
    type: event.type,
    actor_id: event.actorId,
    target_id: event.targetId,
    ip: event.ip,
    details: JSON.stringify(event.details),
  };
}

/** The event's insert, compiled for a synchronous transaction (DirectSqlite.transaction). */
export function auditAppendQuery(db: Kysely<Database>, event: AuditEvent): CompiledQuery<never> {
  return APPEND.compiled(db, auditRow(event));
}

export function sqlAudit(db: Kysely<Database>): AuditStore {
  return {
    async append(event: AuditEvent): Promise<void> {
      await APPEND.run(db, auditRow(event));
    },

    /** Newest first, so the cursor walks (at, id) downwards. */
    async list(filter: AuditFilter, page: PageRequest): Promise<Page<AuditEvent>> {
      let query = db.selectFrom('audit_events').selectAll();
      if (filter.type !== undefined) query = query.where('type', '=', filter.type);
      if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
      if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
      if (filter.before !== undefined) query = query.where('at', '<', filter.before);
      if (page.cursor !== undefined) query = query.where(afterCursor(page.cursor, 'at', 'desc'));
      const rows = await query
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(page.limit + 1)
        .execute();
      return toPage(rows.map(toEvent), page.limit, (e) => [e.at, e.id]);
    },
  };
}
