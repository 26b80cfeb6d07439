import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError, IdempotencyKeyReusedError } from '../errors/index.js';
import { requestHash } from './canonical-json.js';
import { idempotencyKeysRepo, type KeyId } from './db/idempotency-keys.js';
import type { PayrollDb } from './db/schema.js';

export interface IdempotencyOptions {
  /** How long a key is remembered (24 h). */
  ttlMs: number;
  /** A claim older than this whose holder never finished is taken over (its holder crashed). */
  leaseMs: number;
  /** How long a duplicate waits for the first request to finish before answering 409. */
  waitMs: number;
  /** First pause between looks; it doubles up to 100 ms. */
  pollMs: number;
}

export const IDEMPOTENCY_DEFAULTS: IdempotencyOptions = { ttlMs: 24 * 3600_000, leaseMs: 30_000, waitMs: 5_000, pollMs: 10 };

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
  | { replayed: false; status: number; body: string; result: T }
  | { replayed: true; status: number; body: string };

/**
 * Runs an operation at most once per (key, actor, route). The key is claimed by an INSERT under
 * its primary key; the operation and the stored answer commit in one transaction with marking
 * the key done, so no payment ever exists without its answer. A failure releases the key.
 * Duplicates that arrive while the first runs poll until it is done and replay its answer.
 */
export class Idempotency {
  private readonly options: IdempotencyOptions;

  constructor(
    private readonly db: PayrollDb,
    private readonly now: () => number = Date.now,
    options: Partial<IdempotencyOptions> = {},
  ) {
    this.options = { ...IDEMPOTENCY_DEFAULTS, ...options };
  }

  async run<T>(request: IdempotentRequest, operation: (trx: PayrollDb) => Promise<Rendered<T>>): Promise<IdempotentAnswer<T>> {
    const id: KeyId = { key: request.key, actor: request.actor, route: request.route };
    const hash = requestHash(request.route, request.request);
    const keys = idempotencyKeysRepo(this.db);
    const deadline = performance.now() + this.options.waitMs;
    let pause = this.options.pollMs;
    for (;;) {
      const claimedAt = this.now();
      if (await keys.claim(id, hash, claimedAt, claimedAt + this.options.ttlMs)) return this.execute(id, claimedAt, operation);
      const held = await keys.find(id);
      if (held !== undefined) {
        if (held.requestHash !== hash) throw reused();
        if (held.status === 'done' && held.responseStatus !== null && held.responseBody !== null) {
          return { replayed: true, status: held.responseStatus, body: held.responseBody };
        }
        const now = this.now();
        if (held.claimedAt + this.options.leaseMs <= now && (await keys.reclaim(id, held.claimedAt, now, now + this.options.ttlMs))) {
          return this.execute(id, now, operation);
        }
      }
      if (performance.now() >= deadline) throw stillRunning();
      await sleep(pause);
      pause = Math.min(pause * 2, 100);
    }
  }

  /** Forgets expired keys (upkeep); returns how many. */
  purgeExpired(): Promise<number> {
    return idempotencyKeysRepo(this.db).purgeExpired(this.now());
  }

  private async execute<T>(id: KeyId, claimedAt: number, operation: (trx: PayrollDb) => Promise<Rendered<T>>): Promise<IdempotentAnswer<T>> {
    try {
      const rendered = await this.db.transaction().execute(async (trx) => {
        const out = await operation(trx);
        if (!(await idempotencyKeysRepo(trx).complete(id, claimedAt, out.status, out.body))) throw stillRunning();
        return out;
      });
      return { replayed: false, ...rendered };
    } catch (error) {
      // The request's own error is what the caller must see; a key that cannot be released now
      // is taken over by a retry once its lease ends.
      await idempotencyKeysRepo(this.db).release(id, claimedAt).catch(() => undefined);
      throw error;
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
