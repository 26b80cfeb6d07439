import { sql, type Kysely, type RawBuilder } from 'kysely';
import { DEFER_DURABILITY } from '../durable-sqlite-dialect.js';
import type { Database, SessionsTable } from '../schema.js';
import type { Page, PageRequest, SessionFilter, SessionRecord, SessionsStore } from '../types.js';
import { CompiledInsert } from './compiled.js';
import { afterCursor, toPage } from './cursor.js';
import { parseAmr } from './mfa.js';
import { ms, msOrNull } from './values.js';

/**
 * When the session last rotated: the creation of its newest refresh token, once it has one newer
 * than the session (its login's token is as old as the session). Derived, not stored: a rotation
 * writes no session row (migration 0017 indexes `refresh_tokens(session_id, created_at)`, so this
 * is one index seek). The stored column is what older releases wrote (the same value), and what a
 * session created with a value carries.
 */
export function lastRefreshedAtOf(session: string): RawBuilder<number | null> {
  const column = (name: string) => sql.ref(`${session}.${name}`);
  return sql<
    number | null
  >`coalesce((select rt.created_at from refresh_tokens rt where rt.session_id = ${column('id')} and rt.created_at > ${column('created_at')} order by rt.created_at desc limit 1), ${column('last_refreshed_at')})`;
}

/** A session's columns as toSessionRecord reads them, from the table (or alias) `session`. */
export function sessionSelection(session: string): never {
  return [...STORED_COLUMNS.map((c) => `${session}.${c}`), lastRefreshedAtOf(session).as('last_refreshed_at')] as never;
}

export function toSessionRecord(row: SessionsTable): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: ms(row.created_at),
    expiresAt: ms(row.expires_at),
    lastRefreshedAt: msOrNull(row.last_refreshed_at),
    revokedAt: msOrNull(row.revoked_at),
    revokedReason: row.revoked_reason,
    userAgent: row.user_agent,
    ip: row.ip,
    amr: parseAmr(row.amr),
    dpopJkt: row.dpop_jkt ?? null,
  };
}

function toRow(session: SessionRecord): SessionsTable {
  return {
    id: session.id,
    user_id: session.userId,
    created_at: session.createdAt,
    expires_at: session.expiresAt,
    last_refreshed_at: session.lastRefreshedAt,
    revoked_at: session.revokedAt,
    revoked_reason: session.revokedReason,
    user_agent: session.userAgent,
    ip: session.ip,
    amr: session.amr.join(' '),
    dpop_jkt: session.dpopJkt ?? null,
  };
}

const COLUMNS: ReadonlyArray<keyof SessionsTable> = [
  'id',
  'user_id',
  'created_at',
  'expires_at',
  'last_refreshed_at',
  'revoked_at',
  'revoked_reason',
  'user_agent',
  'ip',
  'amr',
  'dpop_jkt',
];
/** The columns a session's record is read from as stored (its last refresh is derived). */
export const STORED_COLUMNS = COLUMNS.filter((c) => c !== 'last_refreshed_at');
// Every login inserts one: compiled once, with and without the deferred flush.
const INSERT = new CompiledInsert<Database, 'sessions', keyof SessionsTable>('sessions', COLUMNS);
const INSERT_FLUSHED_BY_NEXT_WRITE = new CompiledInsert<Database, 'sessions', keyof SessionsTable>(
  'sessions',
  COLUMNS,
  DEFER_DURABILITY,
);

export function sqlSessions(db: Kysely<Database>): SessionsStore {
  return {
    async create(session: SessionRecord, options: { flushedByNextWrite?: boolean } = {}): Promise<void> {
      await (options.flushedByNextWrite === true ? INSERT_FLUSHED_BY_NEXT_WRITE : INSERT).run(db, toRow(session));
    },

    async findById(id: string): Promise<SessionRecord | undefined> {
      const row = await db
        .selectFrom('sessions')
        .select(sessionSelection('sessions'))
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : toSessionRecord(row as SessionsTable);
    },

    async list(filter: SessionFilter, page: PageRequest): Promise<Page<SessionRecord>> {
      let query = db.selectFrom('sessions').select(sessionSelection('sessions'));
      if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
      if (filter.activeAt !== undefined) {
        query = query.where('revoked_at', 'is', null).where('expires_at', '>', filter.activeAt);
      }
      if (page.cursor !== undefined) query = query.where(afterCursor(page.cursor, 'created_at', 'asc'));
      const rows = await query
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .limit(page.limit + 1)
        .execute();
      return toPage((rows as SessionsTable[]).map(toSessionRecord), page.limit, (s) => [s.createdAt, s.id]);
    },

    async revoke(id: string, reason: string, at: number): Promise<boolean> {
      const result = await db
        .updateTable('sessions')
        .set({ revoked_at: at, revoked_reason: reason })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async revokeAllForUser(
      userId: string,
      reason: string,
      at: number,
      exceptSessionId?: string,
    ): Promise<Array<{ id: string; expiresAt: number }>> {
      let query = db
        .updateTable('sessions')
        .set({ revoked_at: at, revoked_reason: reason })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null);
      if (exceptSessionId !== undefined) query = query.where('id', '!=', exceptSessionId);
      const rows = await query.returning(['id', 'expires_at']).execute();
      return rows.map((r) => ({ id: r.id, expiresAt: ms(r.expires_at) }));
    },

    async purgeEnded(expiredBefore: number): Promise<{ sessions: number; refreshTokens: number }> {
      // The oldest batch of sessions past their end: their refresh tokens first (a long session
      // has many), at most PURGE_TOKENS, then those of them left without any. A session whose
      // tokens take more than one batch is finished by the next call.
      const batch = (qb: typeof db) =>
        qb
          .selectFrom('sessions')
          .select('id')
          .where('expires_at', '<=', expiredBefore)
          .orderBy('expires_at')
          .limit(PURGE_SESSIONS);
      return db.transaction().execute(async (trx) => {
        const tokens = await trx
          .deleteFrom('refresh_tokens')
          .where('hash', 'in', (eb) =>
            eb.selectFrom('refresh_tokens').select('hash').where('session_id', 'in', batch(trx)).limit(PURGE_TOKENS),
          )
          .executeTakeFirst();
        const sessions = await trx
          .deleteFrom('sessions')
          .where('id', 'in', (eb) =>
            batch(trx).where(({ not, exists }) =>
              not(
                exists(
                  eb.selectFrom('refresh_tokens as rt').select('rt.hash').whereRef('rt.session_id', '=', 'sessions.id'),
                ),
              ),
            ),
          )
          .executeTakeFirst();
        return { sessions: Number(sessions.numDeletedRows), refreshTokens: Number(tokens.numDeletedRows) };
      });
    },
  };
}

/** One purgeEnded call deletes at most this many sessions and refresh tokens: a bounded stall. */
export const PURGE_SESSIONS = 200;
export const PURGE_TOKENS = 5_000;
