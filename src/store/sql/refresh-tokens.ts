import { PostgresAdapter, sql, type Compilable, type Kysely, type RawBuilder } from 'kysely';
import type { Database, RefreshTokensTable, SessionsTable, UsersTable } from '../schema.js';
import type { MfaTables } from '../mfa-schema.js';
import type {
  LoginCompletion,
  RefreshLookup,
  RefreshTokenRecord,
  RefreshTokensStore,
  RotateOutcome,
} from '../types.js';
import { auditAppendQuery } from './audit.js';
import type { RunStatement } from '../direct-sqlite.js';
import { directSqlite } from '../sqlite.js';
import { CompiledInsert, CompiledRead } from './compiled.js';
import { lastRefreshedAtOf, sessionSelection, STORED_COLUMNS, toSessionRecord } from './sessions.js';
import { parseRoleIds, roleIdsJson, toUserRecord } from './users.js';
import { databaseClockMs, ms, msOrNull } from './values.js';

function toRecord(row: RefreshTokensTable): RefreshTokenRecord {
  return {
    hash: row.hash,
    sessionId: row.session_id,
    createdAt: ms(row.created_at),
    expiresAt: ms(row.expires_at),
    usedAt: msOrNull(row.used_at),
  };
}

/** The table row of a refresh token record. */
export function refreshTokenRow(token: RefreshTokenRecord): RefreshTokensTable {
  return {
    hash: token.hash,
    session_id: token.sessionId,
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    used_at: token.usedAt,
  };
}

/** Why the conditional update matched nothing. A used token is reported first: it is the
 *  theft signal and the caller revokes the session on it, unless it is a replay in the window.
 *  The window is judged on the database's clock, the one the rotation stamped used_at with. */
async function classify(
  trx: Kysely<Database>,
  hash: string,
  next: RefreshTokenRecord,
  clock: () => number,
  reuseWindowMs: number,
): Promise<RotateOutcome> {
  const now = clock();
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
      sql<number | null>`${databaseClockMs(trx, clock)} - t.used_at`.as('since_use_ms'),
    ])
    .where('t.hash', '=', hash)
    .executeTakeFirst();
  if (row === undefined) return { outcome: 'invalid', reason: 'unknown' };
  if (row.used_at !== null) {
    const sinceUseMs = Math.max(0, ms(row.since_use_ms ?? 0));
    const inWindow = sinceUseMs < reuseWindowMs && ms(row.token_expires_at) > now;
    const replayed = inWindow ? await replayOf(trx, row.session_id, next.hash, sinceUseMs, now) : undefined;
    return replayed ?? { outcome: 'reused', sessionId: row.session_id, userId: row.user_id };
  }
  if (ms(row.token_expires_at) <= now) return { outcome: 'invalid', reason: 'expired' };
  if (row.revoked_at !== null) return { outcome: 'invalid', reason: 'session_revoked' };
  if (ms(row.session_expires_at) <= now) return { outcome: 'invalid', reason: 'session_expired' };
  // Only reachable if the row changed between the two statements; refusing is the safe answer.
  return { outcome: 'invalid', reason: 'unknown' };
}

/** The replay answer, if `nextHash` is still the unused head of the chain in an active session. */
async function replayOf(
  trx: Kysely<Database>,
  sessionId: string,
  nextHash: string,
  sinceUseMs: number,
  now: number,
): Promise<RotateOutcome | undefined> {
  const session = await trx
    .selectFrom('refresh_tokens as t')
    .innerJoin('sessions as s', 's.id', 't.session_id')
    .select(sessionSelection('s'))
    .where('t.hash', '=', nextHash)
    .where('t.session_id', '=', sessionId)
    .where('t.used_at', 'is', null)
    .where('t.expires_at', '>', now)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  return session === undefined
    ? undefined
    : { outcome: 'replayed', session: toSessionRecord(session as SessionsTable), sinceUseMs };
}

// Every refresh runs these: built and compiled once (src/store/sql/compiled.ts), run with new
// values. A compiled write keeps its statement kind, so the durable dialect still waits for its flush.
const BY_HASH = new CompiledRead<Database, RefreshTokensTable>((db, p) =>
  db.selectFrom('refresh_tokens').selectAll().where('hash', '=', p<string>(0)),
);
const TOKEN_COLUMNS = [
  'hash',
  'session_id',
  'created_at',
  'expires_at',
  'used_at',
] as const satisfies readonly (keyof RefreshTokensTable)[];
const SESSION_COLUMNS = [
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
] as const satisfies readonly (keyof SessionsTable)[];
const USER_COLUMNS = [
  'id',
  'username',
  'password_hash',
  'role',
  'disabled',
  'created_at',
  'updated_at',
  'password_changed_at',
  'must_change_password',
  'email',
  'email_verified_at',
  'attributes',
  'roles_adopted',
] as const satisfies readonly (keyof UsersTable)[];

/**
 * A refresh's reads before its rotation in one statement: each read outside a transaction is a
 * read transaction of its own on SQLite (and a round trip on Postgres), and the three separate
 * reads (token, session, user) were three. Columns prefixed t_, s_, u_ (the tables share names).
 */
const FOR_REFRESH = new CompiledRead<Database, Record<string, unknown>>(
  (db, p) =>
    db
      .selectFrom('refresh_tokens as t')
      .leftJoin('sessions as s', 's.id', 't.session_id')
      .leftJoin('users as u', 'u.id', 's.user_id')
      .select([
        ...TOKEN_COLUMNS.map((c) => `t.${c} as t_${c}` as const),
        ...SESSION_COLUMNS.map((c) =>
          c === 'last_refreshed_at' ? lastRefreshedAtOf('s').as('s_last_refreshed_at') : (`s.${c} as s_${c}` as const),
        ),
        ...USER_COLUMNS.map((c) => `u.${c} as u_${c}` as const),
      ] as never)
      .select(roleIdsJson(db, 'u.id').as('u_role_ids') as never)
      .where('t.hash', '=', p<string>(0)) as unknown as Compilable<Record<string, unknown>>,
);

/**
 * The joined row arrives as an array in select order (CompiledRead.arrays: no 30 keys made per
 * row): each table's columns from its offset, then the user's role ids.
 */
const SESSION_AT = TOKEN_COLUMNS.length;
const USER_AT = SESSION_AT + SESSION_COLUMNS.length;
const ROLE_IDS_AT = USER_AT + USER_COLUMNS.length;

function columnsAt<T>(row: readonly unknown[], at: number, columns: readonly string[]): T {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) out[columns[i] as string] = row[at + i];
  return out as T;
}

function toLookup(row: readonly unknown[]): RefreshLookup {
  const token = toRecord(columnsAt<RefreshTokensTable>(row, 0, TOKEN_COLUMNS));
  const sessionId = row[SESSION_AT];
  const session =
    sessionId === null || sessionId === undefined
      ? undefined
      : toSessionRecord(columnsAt<SessionsTable>(row, SESSION_AT, SESSION_COLUMNS));
  const userId = row[USER_AT];
  const user =
    userId === null || userId === undefined
      ? undefined
      : toUserRecord(columnsAt<UsersTable>(row, USER_AT, USER_COLUMNS));
  return { token, session, user, roleIds: user === undefined ? [] : parseRoleIds(row[ROLE_IDS_AT]) };
}

/**
 * Marks the token used if it is unused, unexpired and its session live: the race guard. The
 * session is looked up by its key (a correlated EXISTS): `session_id IN (SELECT id FROM sessions
 * WHERE live)` made SQLite list every live session for each refresh (43 ms a refresh beside
 * 100,000 sessions, against 4 µs).
 */
const MARK_USED = new CompiledRead<Database, { session_id: string }>((db, p) =>
  db
    .updateTable('refresh_tokens')
    .set({ used_at: p<number>(1) })
    .where('hash', '=', p<string>(0))
    .where('used_at', 'is', null)
    .where('expires_at', '>', p<number>(1))
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('sessions as s')
          .select('s.id')
          .whereRef('s.id', '=', 'refresh_tokens.session_id')
          .where('s.revoked_at', 'is', null)
          .where('s.expires_at', '>', p<number>(1)),
      ),
    )
    .returning('session_id'),
);
const INSERT = new CompiledInsert<Database, 'refresh_tokens', keyof RefreshTokensTable>('refresh_tokens', [
  'hash',
  'session_id',
  'created_at',
  'expires_at',
  'used_at',
]);
/** A login's success clears the failures counted against its user from its IP. */
const CLEAR_LOGIN_FAILURES = new CompiledRead<MfaTables, never>((db, p) =>
  db.deleteFrom('login_failures').where('user_id', '=', p<string>(0)).where('ip', '=', p<string>(1)),
);
/** The rotated session as it is now (its last refresh derived, sessions.ts): a rotation writes no session row. */
const SESSION_NOW = new CompiledRead<Database, SessionsTable>(
  (db, p) =>
    db
      .selectFrom('sessions')
      .select(sessionSelection('sessions'))
      .where('id', '=', p<string>(0)) as unknown as Compilable<SessionsTable>,
);

/** The session's stored columns, for the Postgres rotation's answer (its last refresh is the successor's). */
const ROTATED_SESSION_COLUMNS = STORED_COLUMNS.map((c) => sql.ref(`s.${c}`));

/**
 * Postgres: the whole rotation of an unused token as one statement, so one round trip that
 * commits on its own instead of six (BEGIN, the three statements, the stamp with COMMIT). It
 * marks the token used (the same race guard as MARK_USED: a concurrent updater of the row waits
 * on its lock and re-checks `used_at IS NULL`, matching no row), inserts the successor, and
 * answers the session, its last refresh the successor's creation (the statement's reads do not
 * see its own insert). The session row is locked FOR SHARE: a revocation that committed while the
 * rotation waited for the row is read back, as READ COMMITTED re-reads a row it waited for. No
 * row when the token was not rotated (used, expired, its session ended, or not of `next`'s
 * session), which the transaction then classifies. `used_at` is the database's clock as the statement runs, just before its commit
 * (parameter 6 null), or the caller's clock (tests).
 */
const ROTATE_UNUSED = new CompiledRead<Database, SessionsTable>((db, p) =>
  compilableOn(
    db,
    sql<SessionsTable>`with used as (
      update refresh_tokens
      set used_at = coalesce(cast(${p(6)} as bigint), (floor(extract(epoch from clock_timestamp()) * 1000))::bigint)
      where hash = ${p(0)} and used_at is null and expires_at > ${p(1)} and session_id = ${p(2)}
        and exists (select 1 from sessions s where s.id = refresh_tokens.session_id and s.revoked_at is null and s.expires_at > ${p(1)})
      returning session_id
    ), successor as (
      insert into refresh_tokens (hash, session_id, created_at, expires_at, used_at)
      select ${p(3)}, session_id, cast(${p(4)} as bigint), cast(${p(5)} as bigint), cast(null as bigint) from used
      returning session_id, created_at
    )
    select ${sql.join(ROTATED_SESSION_COLUMNS)}, successor.created_at as last_refreshed_at
    from sessions s join successor on s.id = successor.session_id for share of s`,
  ),
);

/** A raw statement as a Compilable of `db`'s dialect (a RawBuilder compiles against an executor). */
function compilableOn<R>(db: Kysely<Database>, raw: RawBuilder<R>): Compilable<R> {
  return { compile: () => raw.compile(db) };
}

/** The rotation's statements, in its transaction (stamped and committed by the caller). */
async function rotation(
  trx: Kysely<Database>,
  oldHash: string,
  next: RefreshTokenRecord,
  clock: () => number,
  reuseWindowMs: number,
): Promise<RotateOutcome> {
  const now = clock();
  const used = await MARK_USED.first(trx, [oldHash, now]);
  if (used === undefined) return classify(trx, oldHash, next, clock, reuseWindowMs);
  if (next.sessionId !== used.session_id) {
    throw new Error('rotate: the next refresh token must belong to the same session');
  }
  await INSERT.run(trx, refreshTokenRow(next));
  const session = await SESSION_NOW.first(trx, [used.session_id]);
  if (session === undefined) throw new Error('rotate: the session of a token just used is gone');
  return { outcome: 'rotated', session: toSessionRecord(session) };
}

/**
 * SQLite: the rotation of an unused token as one synchronous transaction (direct-sqlite.ts), the
 * same statements as `rotation` without kysely's transaction around them. Undefined, rolled back
 * with nothing written, when the token was not rotated: `rotation` then runs in a kysely
 * transaction and classifies.
 */
function rotateAtOnce(
  db: Kysely<Database>,
  run: RunStatement,
  oldHash: string,
  next: RefreshTokenRecord,
  clock: () => number,
): RotateOutcome | undefined {
  if (next.usedAt !== null) return undefined;
  const now = clock();
  const used = run(MARK_USED.compiled(db, [oldHash, now])).rows[0];
  if (used === undefined) return undefined;
  if (next.sessionId !== used.session_id) {
    throw new Error('rotate: the next refresh token must belong to the same session');
  }
  run(INSERT.compiled(db, refreshTokenRow(next)));
  const session = run(SESSION_NOW.compiled(db, [used.session_id])).rows[0];
  if (session === undefined) throw new Error('rotate: the session of a token just used is gone');
  return { outcome: 'rotated', session: toSessionRecord(session) };
}

/**
 * Postgres: used_at := the database's clock at the commit, with no bound parameter (the hash is
 * base64url, quoted as a literal: it travels with COMMIT in one simple-query message).
 */
function stampUse(trx: Kysely<Database>, hash: string, clock: () => number) {
  if (!/^[A-Za-z0-9_-]+$/.test(hash)) throw new Error('rotate: a refresh token hash is base64url');
  return sql`update refresh_tokens set used_at = ${databaseClockMs(trx, clock)} where hash = ${sql.lit(hash)}`;
}

export function sqlRefreshTokens(db: Kysely<Database>): RefreshTokensStore {
  return {
    async insert(token: RefreshTokenRecord): Promise<void> {
      await INSERT.run(db, refreshTokenRow(token));
    },

    async insertFirst(token: RefreshTokenRecord, login: LoginCompletion): Promise<void> {
      // The token, the pair's cleared failures and the audit event, in one transaction. A DELETE
      // that removes nothing (the usual case) writes nothing: no cache is dropped for it.
      const statements = [
        INSERT.compiled(db, refreshTokenRow(token)),
        CLEAR_LOGIN_FAILURES.compiled(db as unknown as Kysely<MfaTables>, [login.userId, login.ip]),
        auditAppendQuery(db, login.event),
      ];
      // SQLite with no transaction open: one synchronous transaction, without kysely's turns.
      const atOnce = directSqlite(db)?.transaction((run) => {
        for (const statement of statements) run(statement);
        return true;
      });
      if (atOnce !== undefined) {
        await atOnce;
        return;
      }
      await db.transaction().execute(async (trx) => {
        for (const statement of statements) await trx.executeQuery(statement);
      });
    },

    async findByHash(hash: string): Promise<RefreshTokenRecord | undefined> {
      const row = await BY_HASH.first(db, [hash]);
      return row === undefined ? undefined : toRecord(row);
    },

    async findForRefresh(hash: string): Promise<RefreshLookup | undefined> {
      const [row] = await FOR_REFRESH.arrays(db, [hash]);
      return row === undefined ? undefined : toLookup(row);
    },

    /**
     * The conditional UPDATE is the whole race guard: on Postgres concurrent updaters of the row
     * queue on its lock and re-check `used_at IS NULL` after the winner commits, so they match 0
     * rows; on SQLite kysely runs transactions one at a time on its single connection, and the
     * write comes first so a second process waits on busy_timeout instead of failing to upgrade.
     * Invalid tokens are left unused, so presenting an expired token twice is not "reuse".
     * The losers classify after the winner committed, so they see the successor it inserted.
     *
     * used_at is stamped again by the transaction's last statement, on the database's clock: the
     * reuse window runs from (within a round trip of) the commit, not from when the request began,
     * so a rotation that waited out a stalled database before committing, unseen by its client,
     * leaves the client's retry the whole window (docs/contract.md §12.3).
     */
    async rotate(
      oldHash: string,
      next: RefreshTokenRecord,
      clock: () => number,
      reuseWindowMs = 0,
    ): Promise<RotateOutcome> {
      const steps = (trx: Kysely<Database>) => rotation(trx, oldHash, next, clock, reuseWindowMs);
      // SQLite: the statements run back to back on the one connection once the transaction holds
      // it, so MARK_USED's time is already the commit's; a separate stamp was one more statement
      // per refresh for the same value.
      if (!(db.getExecutor().adapter instanceof PostgresAdapter)) {
        const atOnce = directSqlite(db)?.transaction((run) => rotateAtOnce(db, run, oldHash, next, clock));
        const rotated = atOnce === undefined ? undefined : await atOnce;
        return rotated ?? db.transaction().execute(steps);
      }
      if (next.usedAt === null) {
        const row = refreshTokenRow(next);
        const now = clock();
        const databaseClock = clock === Date.now ? null : Math.trunc(now);
        const session = await ROTATE_UNUSED.first(db, [
          oldHash,
          now,
          row.session_id,
          row.hash,
          row.created_at,
          row.expires_at,
          databaseClock,
        ]);
        if (session !== undefined) return { outcome: 'rotated', session: toSessionRecord(session) };
      }
      // Not rotated (or a successor born used, which no caller makes): the transaction below
      // classifies. The stamp and COMMIT travel in one message (the simple-query protocol: the
      // stamp has no bound parameters), so the server runs them back to back whenever it gets to
      // them. A server that stalls with the COMMIT unread and commits once it wakes, after this
      // request has given up, still stamps the time of that commit.
      return db.connection().execute(async (conn) => {
        await sql`begin`.execute(conn);
        try {
          const outcome = await steps(conn);
          if (outcome.outcome === 'rotated') await sql`${stampUse(conn, oldHash, clock)}; commit`.execute(conn);
          else await sql`commit`.execute(conn);
          return outcome;
        } catch (error) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw error;
        }
      });
    },
  };
}
