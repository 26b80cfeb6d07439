import { sql } from 'kysely';
import { DEFER_DURABILITY, READ_DURABLE } from '../../store/durable-sqlite-dialect.js';
import { CompiledRead } from '../../store/sql/compiled.js';
import { compiledClockMs, databaseClockMs, isUniqueViolation } from '../../store/sql/values.js';
import type { IdempotencyKeysTable, PayrollDb, PayrollTables } from '../db/schema.js';

/** Which key: the same client key is a different key for another actor or route. */
export interface KeyId {
  key: string;
  actor: string;
  route: string;
}

/** One holder's claim on a key. */
export interface Claim {
  /** The process instance (random per process start). */
  owner: string;
  /** Unique per claim: the proof of holding it. */
  claimId: string;
  claimedAt: number;
  /** Abandoned (may be taken over) from this time on unless renewed. */
  leaseUntil: number;
}

export interface KeyRecord extends KeyId, Claim {
  /** The clock leases are judged by, when this record was read (see idempotencyKeysRepo). */
  readAt: number;
  requestHash: string;
  status: 'in_progress' | 'done';
  responseStatus: number | null;
  responseBody: string | null;
  expiresAt: number;
}

function toRecord(row: IdempotencyKeysTable & { read_at: number | string }): KeyRecord {
  return {
    readAt: Number(row.read_at),
    key: row.key,
    actor: row.actor,
    route: row.route,
    requestHash: row.request_hash,
    status: row.status,
    responseStatus: row.response_status === null ? null : Number(row.response_status),
    responseBody: row.response_body,
    owner: row.owner,
    claimId: row.claim_id,
    claimedAt: Number(row.created_at),
    leaseUntil: Number(row.lease_until),
    expiresAt: Number(row.expires_at),
  };
}

// Every payment runs these three (the claim's expired-key sweep, its insert, then its completion):
// compiled once. The lease updates are built per call: they run only for requests that outlast a
// quarter of the lease.
const DELETE_EXPIRED = new CompiledRead<PayrollTables, never>((db, p) =>
  db
    .deleteFrom('idempotency_keys')
    .where('key', '=', p<string>(0))
    .where('actor', '=', p<string>(1))
    .where('route', '=', p<string>(2))
    .where('expires_at', '<=', p<number>(3)),
);
/**
 * The claim's insert, its lease end on `clock` (parameter 9 carries the clock's now, parameter 8
 * the lease's distance from it): compiledClockMs, the database's clock on Postgres, or the clock
 * given (a test's: bound, as this statement never travels as a simple query).
 */
const claimInsert = (clock: typeof compiledClockMs) =>
  new CompiledRead<PayrollTables, never>((db, p) =>
    db
      .withPlugin(DEFER_DURABILITY)
      .insertInto('idempotency_keys')
      .values({
        key: p<string>(0),
        actor: p<string>(1),
        route: p<string>(2),
        request_hash: p<string>(3),
        status: 'in_progress',
        response_status: null,
        response_body: null,
        expires_at: p<number>(4),
        owner: p<string>(5),
        claim_id: p<string>(6),
        created_at: p<number>(7),
        lease_until: sql<number>`cast(${p<number>(8)} as bigint) + ${clock(db, p<number>(9))}`,
      }),
  );
const CLAIM_ON_DATABASE_CLOCK = claimInsert(compiledClockMs);
const CLAIM_ON_GIVEN_CLOCK = claimInsert((_db, now) => sql<number>`cast(${now} as bigint)`);
const COMPLETE = new CompiledRead<PayrollTables, never>((db, p) =>
  db
    .updateTable('idempotency_keys')
    .set({ status: 'done', response_status: p<number>(4), response_body: p<string>(5) })
    .where('key', '=', p<string>(0))
    .where('actor', '=', p<string>(1))
    .where('route', '=', p<string>(2))
    .where('status', '=', 'in_progress')
    .where('claim_id', '=', p<string>(3)),
);

/**
 * Idempotency keys on one connection or transaction. Every change of an in-progress key is a
 * compare-and-set on its claim_id, so only the current holder's writes take effect.
 *
 * Leases are compared across instances, so they are written and judged on one clock, the
 * database's (databaseClockMs): a lease end given on `clock` is stored as the same distance from
 * the database's now, and a record read carries `readAt`, the database's now at the read. Two
 * instances whose own clocks differ (within BULWARK_CLOCK_SKEW or beyond) then agree on whether a
 * lease has lapsed, and neither takes over the other's live claim (docs/contract.md §12.4).
 */
export function idempotencyKeysRepo(db: PayrollDb, clock: () => number = Date.now) {
  const leaseEnd = (leaseUntil: number) =>
    sql<number>`cast(${leaseUntil - clock()} as bigint) + ${databaseClockMs(db, clock)}`;
  const claimColumns = (claim: Claim) => ({
    owner: claim.owner,
    claim_id: claim.claimId,
    created_at: claim.claimedAt,
    lease_until: leaseEnd(claim.leaseUntil),
  });
  const byId = (id: KeyId, on: PayrollDb = db) =>
    on
      .selectFrom('idempotency_keys')
      .selectAll()
      .select(databaseClockMs(db, clock).as('read_at'))
      .where('key', '=', id.key)
      .where('actor', '=', id.actor)
      .where('route', '=', id.route);
  const held = (id: KeyId, claimId: string) =>
    db
      .updateTable('idempotency_keys')
      .where('key', '=', id.key)
      .where('actor', '=', id.actor)
      .where('route', '=', id.route)
      .where('status', '=', 'in_progress')
      .where('claim_id', '=', claimId);
  return {
    /** INSERT under the primary key: true if this caller now holds the key, false if someone does. */
    async claim(id: KeyId, requestHash: string, claim: Claim, expiresAt: number): Promise<boolean> {
      await DELETE_EXPIRED.rows(db, [id.key, id.actor, id.route, claim.claimedAt]);
      try {
        // Not waited for: the transaction that completes the key (or the release that drops it)
        // commits after it and is waited for, and its flush covers this one (group-commit.ts).
        const now = Math.trunc(clock());
        await (clock === Date.now ? CLAIM_ON_DATABASE_CLOCK : CLAIM_ON_GIVEN_CLOCK).rows(db, [
          id.key,
          id.actor,
          id.route,
          requestHash,
          expiresAt,
          claim.owner,
          claim.claimId,
          claim.claimedAt,
          claim.leaseUntil - now,
          now,
        ]);
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },

    /** The key as stored, once durable: a done key's answer is replayed to a client. */
    async find(id: KeyId): Promise<KeyRecord | undefined> {
      const row = await byId(id, db.withPlugin(READ_DURABLE)).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    /** Takes over an abandoned claim: only if `abandonedClaimId` still holds it, so of several
     *  retries racing for it exactly one wins. */
    async takeOver(id: KeyId, abandonedClaimId: string, claim: Claim, expiresAt: number): Promise<boolean> {
      const result = await held(id, abandonedClaimId)
        .set({ ...claimColumns(claim), expires_at: expiresAt })
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Extends the holder's lease; false once the claim is no longer this holder's. */
    async renew(id: KeyId, claimId: string, leaseUntil: number): Promise<boolean> {
      const result = await held(id, claimId)
        .set({ lease_until: leaseEnd(leaseUntil) })
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Stores the answer and marks the key done, only if this holder still holds it. */
    async complete(id: KeyId, claimId: string, status: number, body: string): Promise<boolean> {
      return (await COMPLETE.changed(db, [id.key, id.actor, id.route, claimId, status, body])) === 1;
    },

    /** Gives the key up after a failed request, so that a retry runs again. */
    async release(id: KeyId, claimId: string): Promise<void> {
      await db
        .deleteFrom('idempotency_keys')
        .where('key', '=', id.key)
        .where('actor', '=', id.actor)
        .where('route', '=', id.route)
        .where('status', '=', 'in_progress')
        .where('claim_id', '=', claimId)
        .execute();
    },

    /** Forgets expired keys; returns how many. */
    async purgeExpired(now: number): Promise<number> {
      const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type IdempotencyKeysRepo = ReturnType<typeof idempotencyKeysRepo>;
