import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { sql, type Kysely, type Migration } from 'kysely';
import { coreMigrations } from '../../src/store/migrations/index.js';
import type { SqlStore } from '../../src/store/index.js';
import { itUpgradesOnBoth, migrateAsRelease } from '../helpers/upgrade.js';

const CREATED = Date.now() - 60_000;
const REFRESHED = CREATED + 30_000;
const LIVE_UNTIL = CREATED + 3_600_000;

/**
 * The release before 0017_refresh_chain_order: a session it refreshed once, written as it wrote
 * it (the rotation stamped `sessions.last_refreshed_at`), and one it never refreshed.
 */
async function makeOldStore(db: Kysely<unknown>, schema?: string): Promise<void> {
  const migrations: Record<string, Migration> = { ...coreMigrations };
  delete migrations['0017_refresh_chain_order'];
  await migrateAsRelease(db, migrations, schema);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the old schema, untyped
  const old = db as Kysely<any>;
  await old
    .insertInto('users')
    .values({
      id: 'u1',
      username: 'old-user',
      password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
      role: 'clerk',
      disabled: 0,
      created_at: CREATED,
      updated_at: CREATED,
      password_changed_at: CREATED,
    })
    .execute();
  const session = (id: string, lastRefreshedAt: number | null) => ({
    id,
    user_id: 'u1',
    created_at: CREATED,
    expires_at: LIVE_UNTIL,
    last_refreshed_at: lastRefreshedAt,
    amr: 'pwd',
  });
  await old
    .insertInto('sessions')
    .values([session('refreshed', REFRESHED), session('fresh', null)])
    .execute();
  const token = (hash: string, sessionId: string, createdAt: number, usedAt: number | null) => ({
    hash,
    session_id: sessionId,
    created_at: createdAt,
    expires_at: LIVE_UNTIL,
    used_at: usedAt,
  });
  await old
    .insertInto('refresh_tokens')
    .values([
      token('h-first', 'refreshed', CREATED, REFRESHED),
      token('h-head', 'refreshed', REFRESHED, null),
      token('h-fresh', 'fresh', CREATED, null),
    ])
    .execute();
}

async function indexesOfRefreshTokens(store: SqlStore): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`${sql.raw(
    store.kind === 'postgres'
      ? `select indexname as name from pg_indexes where schemaname = current_schema() and tablename = 'refresh_tokens'`
      : `select name from sqlite_master where type = 'index' and tbl_name = 'refresh_tokens'`,
  )}`.execute(store.db);
  return rows.map((r) => r.name).filter((name) => name.startsWith('refresh_tokens_session'));
}

async function assertChainKept(store: SqlStore): Promise<void> {
  assert.deepEqual(await indexesOfRefreshTokens(store), ['refresh_tokens_session_created_idx']);
  assert.equal((await store.sessions.findById('refreshed'))?.lastRefreshedAt, REFRESHED);
  assert.equal((await store.sessions.findById('fresh'))?.lastRefreshedAt, null);
  const later = Date.now();
  const next = { hash: 'h-next', sessionId: 'refreshed', createdAt: later, expiresAt: LIVE_UNTIL, usedAt: null };
  const rotated = await store.refreshTokens.rotate('h-head', next, () => later);
  assert.equal(rotated.outcome, 'rotated');
  assert.equal(rotated.outcome === 'rotated' ? rotated.session.lastRefreshedAt : undefined, later);
  const listed = await store.sessions.list({ userId: 'u1' }, { limit: 10 });
  assert.deepEqual(
    listed.items.map((s) => [s.id, s.lastRefreshedAt]),
    [
      ['fresh', null],
      ['refreshed', later],
    ],
  );
}

describe('upgrade to the derived last refresh (0017_refresh_chain_order)', () => {
  itUpgradesOnBoth(
    'a session an older release refreshed keeps its last refresh, the next rotation moves it, the session index is replaced',
    makeOldStore,
    assertChainKept,
  );
});
