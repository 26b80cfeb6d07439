import { sql, type Kysely, type Updateable } from 'kysely';
import type { Database, SigningKeysTable } from '../schema.js';
import type { KeyState, KeysStore, SigningKeyRecord } from '../types.js';
import { ms, msOrNull } from './values.js';
import { dataVersionProbe } from '../sqlite.js';

function toRecord(row: SigningKeysTable): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg,
    state: row.state,
    publicJwk: row.public_jwk === null ? null : (JSON.parse(row.public_jwk) as Record<string, unknown>),
    privateKeyEncrypted: row.private_key_encrypted,
    createdAt: ms(row.created_at),
    activatedAt: msOrNull(row.activated_at),
    retiredAt: msOrNull(row.retired_at),
    removedAt: msOrNull(row.removed_at),
  };
}

function toRow(key: SigningKeyRecord): SigningKeysTable {
  return {
    kid: key.kid,
    alg: key.alg,
    state: key.state,
    public_jwk: key.publicJwk === null ? null : JSON.stringify(key.publicJwk),
    private_key_encrypted: key.privateKeyEncrypted,
    created_at: key.createdAt,
    activated_at: key.activatedAt,
    retired_at: key.retiredAt,
    removed_at: key.removedAt,
  };
}

/** The timestamp a transition stamps; `next` has none (it is the state a key is born in). */
function stateChange(state: KeyState, at: number): Updateable<SigningKeysTable> {
  switch (state) {
    case 'active':
      return { state, activated_at: at };
    case 'retired':
      return { state, retired_at: at };
    case 'removed':
      return { state, removed_at: at };
    case 'next':
      return { state };
  }
}

/** Held by `exclusive` on Postgres (a transaction-scoped advisory lock; "Bulk" in ASCII). */
export const KEYS_LOCK = 0x42756c6b;

export function sqlKeys(db: Kysely<Database>, kind: 'sqlite' | 'postgres'): KeysStore {
  return {
    externalChangeMarker: dataVersionProbe(db),

    /**
     * Postgres: an advisory lock held to the end of the transaction. SQLite: a write that comes
     * first (it takes the database write lock even when it matches no row), so another process
     * waits on busy_timeout, and kysely runs one transaction at a time on its single connection.
     */
    exclusive<T>(work: (keys: KeysStore) => Promise<T>): Promise<T> {
      return db.transaction().execute(async (trx) => {
        if (kind === 'postgres') await sql`select pg_advisory_xact_lock(${sql.lit(KEYS_LOCK)})`.execute(trx);
        else
          await trx
            .updateTable('signing_keys')
            .set((eb) => ({ state: eb.ref('state') }))
            .where('kid', '=', '')
            .execute();
        return work(sqlKeys(trx, kind));
      });
    },

    async insert(key: SigningKeyRecord): Promise<void> {
      await db.insertInto('signing_keys').values(toRow(key)).execute();
    },

    async findByKid(kid: string): Promise<SigningKeyRecord | undefined> {
      const row = await db.selectFrom('signing_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async list(): Promise<SigningKeyRecord[]> {
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('kid', 'desc')
        .execute();
      return rows.map(toRecord);
    },

    async setState(kid: string, state: KeyState, at: number): Promise<boolean> {
      const result = await db
        .updateTable('signing_keys')
        .set(stateChange(state, at))
        .where('kid', '=', kid)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    /**
     * The race guard is a write that comes first: a no-op UPDATE of the active key(s). On
     * Postgres a concurrent caller queues on those row locks and, once the winner commits, its
     * next statement (a fresh READ COMMITTED snapshot) sees the winner's `next` key; on SQLite
     * the write takes the database write lock, so a second process waits on busy_timeout and
     * kysely runs one transaction at a time on its single connection.
     */
    insertIfNoNext(key: SigningKeyRecord): Promise<boolean> {
      if (key.state !== 'next') return Promise.reject(new Error('insertIfNoNext: the key must be in state next'));
      return db.transaction().execute(async (trx) => {
        await trx
          .updateTable('signing_keys')
          .set((eb) => ({ state: eb.ref('state') }))
          .where('state', '=', 'active')
          .execute();
        const pending = await trx
          .selectFrom('signing_keys')
          .select('kid')
          .where('state', '=', 'next')
          .executeTakeFirst();
        if (pending !== undefined) return false;
        await trx.insertInto('signing_keys').values(toRow(key)).execute();
        return true;
      });
    },
  };
}
