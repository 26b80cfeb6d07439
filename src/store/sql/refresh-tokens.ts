import type { Kysely, Transaction } from 'kysely';
import type { Database, RefreshTokensTable, SessionsTable } from '../schema.js';
import type { RefreshTokenRecord, RefreshTokensStore, RotateOutcome } from '../types.js';
import { CompiledRead } from './compiled.js';
import { toSessionRecord } from './sessions.js';
import { ms, msOrNull } from './values.js';

function toRecord(row: RefreshTokensTable): RefreshTokenRecord {
  return {
    hash: row.hash,
    sessionId: row.session_id,
    createdAt: ms(row.created_at),
    expiresAt: ms(row.expires_at),
    usedAt: msOrNull(row.used_at),
  };
}

function toRow(token: RefreshTokenRecord): RefreshTokensTable {
  return {
    hash: token.hash,
    session_id: token.sessionId,
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    used_at: token.usedAt,
  };
}

/** Why the conditional update matched nothing. A used token is reported first: it is the
 *  theft signal and the caller revokes the session on it, unless it is a replay in the window. */
async function classify(trx: Transaction<Database>, hash: string, next: RefreshTokenRecord, now: number, reuseWindowMs: number): Promise<RotateOutcome> {
  const row = await trx
    .selectFrom('refresh_tokens as t')
    .innerJoin('sessions as s', 's.id', 't.session_id')
    .select([
      't.session_id',
      't.used_at',
      't.expires_at as token_expires_at',
      's.user_id',
      's.revoked_at',
      's.expires_at as session_expires_at',
    ])
    .where('t.hash', '=', hash)
    .executeTakeFirst();
  if (row === undefined) return { outcome: 'invalid', reason: 'unknown' };
  if (row.used_at !== null) {
    const usedAt = ms(row.used_at);
    const inWindow = now - usedAt < reuseWindowMs && ms(row.token_expires_at) > now;
    const replayed = inWindow ? await replayOf(trx, row.session_id, next.hash, usedAt, now) : undefined;
    return replayed ?? { outcome: 'reused', sessionId: row.session_id, userId: row.user_id };
  }
  if (ms(row.token_expires_at) <= now) return { outcome: 'invalid', reason: 'expired' };
  if (row.revoked_at !== null) return { outcome: 'invalid', reason: 'session_revoked' };
  if (ms(row.session_expires_at) <= now) return { outcome: 'invalid', reason: 'session_expired' };
  // Only reachable if the row changed between the two statements; refusing is the safe answer.
  return { outcome: 'invalid', reason: 'unknown' };
}

/** The replay answer, if `nextHash` is still the unused head of the chain in an active session. */
async function replayOf(trx: Transaction<Database>, sessionId: string, nextHash: string, usedAt: number, now: number): Promise<RotateOutcome | undefined> {
  const session = await trx
    .selectFrom('refresh_tokens as t')
    .innerJoin('sessions as s', 's.id', 't.session_id')
    .selectAll('s')
    .where('t.hash', '=', nextHash)
    .where('t.session_id', '=', sessionId)
    .where('t.used_at', 'is', null)
    .where('t.expires_at', '>', now)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  return session === undefined ? undefined : { outcome: 'replayed', session: toSessionRecord(session), usedAt };
}

// Every refresh runs these: built and compiled once (src/store/sql/compiled.ts), not per request.
const BY_HASH = new CompiledRead<Database, RefreshTokensTable>((db, p) => db.selectFrom('refresh_tokens').selectAll().where('hash', '=', p<string>(0)));
const MARK_USED = new CompiledRead<Database, { session_id: string }>((db, p) => db
  .updateTable('refresh_tokens')
  .set({ used_at: p<number>(0) })
  .where('hash', '=', p<string>(1))
  .where('used_at', 'is', null)
  .where('expires_at', '>', p<number>(0))
  .where('session_id', 'in', (eb) => eb.selectFrom('sessions').select('id').where('revoked_at', 'is', null).where('expires_at', '>', p<number>(0)))
  .returning('session_id'));
const INSERT = new CompiledRead<Database, never>((db, p) => db.insertInto('refresh_tokens').values({
  hash: p<string>(0), session_id: p<string>(1), created_at: p<number>(2), expires_at: p<number>(3), used_at: p<number | null>(4),
}));
const TOUCH_SESSION = new CompiledRead<Database, SessionsTable>((db, p) => db
  .updateTable('sessions').set({ last_refreshed_at: p<number>(0) }).where('id', '=', p<string>(1)).returningAll());

export function sqlRefreshTokens(db: Kysely<Database>): RefreshTokensStore {
  return {
    async insert(token: RefreshTokenRecord): Promise<void> {
      await db.insertInto('refresh_tokens').values(toRow(token)).execute();
    },

    async findByHash(hash: string): Promise<RefreshTokenRecord | undefined> {
      const row = await BY_HASH.first(db, [hash]);
      return row === undefined ? undefined : toRecord(row);
    },

    /**
     * The conditional UPDATE is the whole race guard: on Postgres concurrent updaters of the row
     * queue on its lock and re-check `used_at IS NULL` after the winner commits, so they match 0
     * rows; on SQLite kysely runs transactions one at a time on its single connection, and the
     * write comes first so a second process waits on busy_timeout instead of failing to upgrade.
     * Invalid tokens are left unused, so presenting an expired token twice is not "reuse".
     * The losers classify after the winner committed, so they see the successor it inserted.
     */
    rotate(oldHash: string, next: RefreshTokenRecord, now: number, reuseWindowMs = 0): Promise<RotateOutcome> {
      return db.transaction().execute(async (trx): Promise<RotateOutcome> => {
        const used = await MARK_USED.first(trx, [now, oldHash]);
        if (used === undefined) return classify(trx, oldHash, next, now, reuseWindowMs);
        if (next.sessionId !== used.session_id) {
          throw new Error('rotate: the next refresh token must belong to the same session');
        }
        await INSERT.rows(trx, [next.hash, next.sessionId, next.createdAt, next.expiresAt, next.usedAt]);
        const session = await TOUCH_SESSION.first(trx, [now, used.session_id]);
        if (session === undefined) throw new Error('rotate: the session vanished inside its transaction');
        return { outcome: 'rotated', session: toSessionRecord(session) };
      });
    },
  };
}
