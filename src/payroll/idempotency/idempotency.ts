import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresAdapter } from 'kysely';
import { ConflictError, IdempotencyKeyReusedError } from '../../errors/index.js';
import { requestHash } from './canonical-json.js';
import { processClaimOwner, type ClaimOwner } from './claim-owner.js';
import { idempotencyKeysRepo, type Claim, type KeyId } from './idempotency-keys-repo.js';
import type { PayrollDb } from '../db/schema.js';
import { PAYROLL_DEFAULTS } from '../defaults.js';

export interface IdempotencyOptions {
  /** How long a key is remembered (24 h). */
  ttlMs: number;
  /**
   * A claim not renewed for this long is abandoned (its process died) and taken over. A running
   * request renews it every quarter of it. Shorter than `waitMs`, so a retry that arrives just
   * after a crash waits the lease out and completes instead of answering 409.
   */
  leaseMs: number;
  /** How long a duplicate waits for the first request to finish before answering 409. */
  waitMs: number;
  /** First pause between looks; it doubles up to 100 ms. */
  pollMs: number;
  /** Who this process is as a holder of claims (one per process; tests make others). */
  owner: ClaimOwner;
}

/** PAYROLL_DEFAULTS.idempotency, held by this process's claim owner. */
export const IDEMPOTENCY_DEFAULTS: IdempotencyOptions = { ...PAYROLL_DEFAULTS.idempotency, owner: processClaimOwner };

export interface IdempotentRequest {
  key: string;
  /** The caller's `sub`: keys are scoped per actor. */
  actor: string;
  /** A stable route name, e.g. `payments.create`. */
  route: string;
  /** The validated request (params and body): its canonical hash tells "same" from "other". */
  request: unknown;
}

/** What the operation produced, already rendered as the exact bytes to answer with. */
export interface Rendered<T> {
  result: T;
  status: number;
  body: string;
}

export type IdempotentAnswer<T> =
  { replayed: false; status: number; body: string; result: T } | { replayed: true; status: number; body: string };

/**
 * Runs an operation at most once per (key, actor, route). The key is claimed by an INSERT under
 * its primary key; the operation and the stored answer commit in one transaction with marking
 * the key done, so no payment ever exists without its answer. A failure releases the key.
 * Duplicates that arrive while the first runs poll until it is done and replay its answer.
 * A claim whose holder died (lease lapsed, or this process's own with no request behind it) is
 * taken over by a compare-and-set on its claim id. Exactly-once never rests on the lease or on
 * clocks: the holder's completion is itself a compare-and-set on its claim id, in the same
 * transaction as the payment, so a holder that lost its claim rolls its payment back.
 *
 * On SQLite the claim is first made inside the operation's own transaction. The one write lock
 * (and in this process the one connection) is held by that transaction from its first write, so
 * a duplicate's claim waits for it to end, then finds the key done (or, after a failure, free)
 * instead of polling a committed claim; a crash leaves no claim behind; and the claim's own
 * commit, which wrote the key's pages a first time, is saved. A key found held (by an older
 * release, or by a holder on the loop below) falls back to that loop.
 */
export class Idempotency {
  private readonly options: IdempotencyOptions;
  /** SQLite: claim, operation and completion in one transaction (see the class comment). */
  private readonly claimsWithOperation: boolean;

  constructor(
    private readonly db: PayrollDb,
    private readonly now: () => number = Date.now,
    options: Partial<IdempotencyOptions> = {},
  ) {
    this.options = { ...IDEMPOTENCY_DEFAULTS, ...options };
    this.claimsWithOperation = !(db.getExecutor().adapter instanceof PostgresAdapter);
  }

  async run<T>(
    request: IdempotentRequest,
    operation: (trx: PayrollDb) => Promise<Rendered<T>>,
  ): Promise<IdempotentAnswer<T>> {
    const id: KeyId = { key: request.key, actor: request.actor, route: request.route };
    const hash = requestHash(request.route, request.request);
    const keys = idempotencyKeysRepo(this.db, this.now);
    const deadline = performance.now() + this.options.waitMs;
    let pause = this.options.pollMs;
    if (this.claimsWithOperation) {
      const answer = await this.claimAndExecute(id, hash, operation);
      if (answer !== undefined) return answer;
    }
    for (;;) {
      const claim = await this.attempt((mine) => keys.claim(id, hash, mine, mine.claimedAt + this.options.ttlMs));
      if (claim !== undefined) return this.execute(id, claim, operation);
      const held = await keys.find(id);
      if (held !== undefined) {
        if (held.requestHash !== hash) throw reused();
        if (held.status === 'done' && held.responseStatus !== null && held.responseBody !== null) {
          return { replayed: true, status: held.responseStatus, body: held.responseBody };
        }
        if (this.options.owner.abandoned(held, held.readAt)) {
          const taken = await this.attempt((mine) =>
            keys.takeOver(id, held.claimId, mine, mine.claimedAt + this.options.ttlMs),
          );
          if (taken !== undefined) return this.execute(id, taken, operation);
        }
      }
      if (performance.now() >= deadline) throw stillRunning();
      await sleep(pause);
      pause = Math.min(pause * 2, 100);
    }
  }

  /** Forgets expired keys (upkeep); returns how many. */
  purgeExpired(): Promise<number> {
    return idempotencyKeysRepo(this.db, this.now).purgeExpired(this.now());
  }

  /** A new claim, written by `write`; the claim if it took, undefined if someone else holds the key. */
  private async attempt(write: (claim: Claim) => Promise<boolean>): Promise<Claim | undefined> {
    const claim = this.options.owner.begin(this.now(), this.options.leaseMs);
    let won = false;
    try {
      won = await write(claim);
      return won ? claim : undefined;
    } finally {
      if (!won) this.options.owner.end(claim);
    }
  }

  /** Claims the key in the operation's transaction; undefined, nothing done, if it is held. */
  private async claimAndExecute<T>(
    id: KeyId,
    hash: string,
    operation: (trx: PayrollDb) => Promise<Rendered<T>>,
  ): Promise<IdempotentAnswer<T> | undefined> {
    const claim = this.options.owner.begin(this.now(), this.options.leaseMs);
    try {
      const rendered = await this.db.transaction().execute(async (trx) => {
        const keys = idempotencyKeysRepo(trx, this.now);
        if (!(await keys.claim(id, hash, claim, claim.claimedAt + this.options.ttlMs))) return undefined;
        const out = await operation(trx);
        if (!(await keys.complete(id, claim.claimId, out.status, out.body))) throw stillRunning();
        return out;
      });
      return rendered === undefined ? undefined : { replayed: false, ...rendered };
    } finally {
      this.options.owner.end(claim);
    }
  }

  private async execute<T>(
    id: KeyId,
    claim: Claim,
    operation: (trx: PayrollDb) => Promise<Rendered<T>>,
  ): Promise<IdempotentAnswer<T>> {
    const keys = idempotencyKeysRepo(this.db, this.now);
    // Outside the operation's transaction: on Postgres another connection renews while it runs
    // (on SQLite the renewal waits for the one connection, and nothing else can write meanwhile).
    const renewal = setInterval(
      () => {
        keys.renew(id, claim.claimId, this.now() + this.options.leaseMs).catch(() => undefined);
      },
      Math.max(1, Math.floor(this.options.leaseMs / 4)),
    );
    renewal.unref();
    try {
      const rendered = await this.db.transaction().execute(async (trx) => {
        const out = await operation(trx);
        if (!(await idempotencyKeysRepo(trx, this.now).complete(id, claim.claimId, out.status, out.body)))
          throw stillRunning();
        return out;
      });
      return { replayed: false, ...rendered };
    } catch (error) {
      // The request's own error is what the caller must see; a key that cannot be released now
      // is this process's with no request behind it: the next retry here takes it over at once,
      // one on another instance once its lease lapses.
      await keys.release(id, claim.claimId).catch(() => undefined);
      throw error;
    } finally {
      clearInterval(renewal);
      this.options.owner.end(claim);
    }
  }
}

function reused(): IdempotencyKeyReusedError {
  return new IdempotencyKeyReusedError('idempotency key reused with another request', {
    detail: 'This Idempotency-Key was already used with a different request; use a new key for a new request.',
  });
}

function stillRunning(): ConflictError {
  return new ConflictError('idempotent request still in progress', {
    detail: 'A request with this Idempotency-Key is still being processed; retry later with the same key.',
  });
}
