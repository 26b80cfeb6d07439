import { isUniqueViolation } from '../../store/sql/values.js';
import type { IdempotencyKeysTable, PayrollDb } from './schema.js';

/** Which key: the same client key is a different key for another actor or route. */
export interface KeyId {
  key: string;
  actor: string;
  route: string;
}

export interface KeyRecord extends KeyId {
  requestHash: string;
  status: 'in_progress' | 'done';
  responseStatus: number | null;
  responseBody: string | null;
  /** When the current holder claimed it: also the holder's proof of ownership. */
  claimedAt: number;
  expiresAt: number;
}

function toRecord(row: IdempotencyKeysTable): KeyRecord {
  return {
    key: row.key, actor: row.actor, route: row.route, requestHash: row.request_hash, status: row.status,
    responseStatus: row.response_status === null ? null : Number(row.response_status), responseBody: row.response_body,
    claimedAt: Number(row.created_at), expiresAt: Number(row.expires_at),
  };
}

/** Idempotency keys on one connection or transaction. */
export function idempotencyKeysRepo(db: PayrollDb) {
  const byId = (id: KeyId) => db.selectFrom('idempotency_keys').selectAll()
    .where('key', '=', id.key).where('actor', '=', id.actor).where('route', '=', id.route);
  return {
    /** INSERT under the primary key: true if this caller now holds the key, false if someone does. */
    async claim(id: KeyId, requestHash: string, now: number, expiresAt: number): Promise<boolean> {
      await db.deleteFrom('idempotency_keys').where('key', '=', id.key).where('actor', '=', id.actor)
        .where('route', '=', id.route).where('expires_at', '<=', now).execute();
      try {
        await db.insertInto('idempotency_keys').values({
          ...id, request_hash: requestHash, status: 'in_progress', response_status: null, response_body: null, created_at: now, expires_at: expiresAt,
        }).execute();
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },

    async find(id: KeyId): Promise<KeyRecord | undefined> {
      const row = await byId(id).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    /** Takes over an abandoned claim (its holder crashed): compare-and-set on the claim time. */
    async reclaim(id: KeyId, staleClaimedAt: number, now: number, expiresAt: number): Promise<boolean> {
      const result = await db.updateTable('idempotency_keys').set({ created_at: now, expires_at: expiresAt })
        .where('key', '=', id.key).where('actor', '=', id.actor).where('route', '=', id.route)
        .where('status', '=', 'in_progress').where('created_at', '=', staleClaimedAt).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Stores the answer and marks the key done, only if this holder still holds it. */
    async complete(id: KeyId, claimedAt: number, status: number, body: string): Promise<boolean> {
      const result = await db.updateTable('idempotency_keys').set({ status: 'done', response_status: status, response_body: body })
        .where('key', '=', id.key).where('actor', '=', id.actor).where('route', '=', id.route)
        .where('status', '=', 'in_progress').where('created_at', '=', claimedAt).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Gives the key up after a failed request, so that a retry runs again. */
    async release(id: KeyId, claimedAt: number): Promise<void> {
      await db.deleteFrom('idempotency_keys').where('key', '=', id.key).where('actor', '=', id.actor)
        .where('route', '=', id.route).where('status', '=', 'in_progress').where('created_at', '=', claimedAt).execute();
    },

    /** Forgets expired keys; returns how many. */
    async purgeExpired(now: number): Promise<number> {
      const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type IdempotencyKeysRepo = ReturnType<typeof idempotencyKeysRepo>;
