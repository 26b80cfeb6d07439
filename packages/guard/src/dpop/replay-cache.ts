import { DpopReplayCacheFullError } from './errors.js';

/**
 * Where the jti of every accepted DPoP proof is remembered for as long as the proof could be
 * accepted, so that each proof is used once (RFC 9449 §11.1). Keys are opaque strings (a hash of
 * the proof key and jti). A service with several instances shares one (Bulwark's server uses
 * Redis); the default lives in the process.
 */
export interface DpopReplayCache {
  /**
   * True the first time `key` is seen within `ttlSeconds`; false for a replay. A cache that cannot
   * remember one more proof throws (or rejects with) DpopReplayCacheFullError: never true.
   */
  firstUse(key: string, ttlSeconds: number): boolean | Promise<boolean>;
}

/**
 * Default capacity of the in-process cache: with the default window (60 s max age + 2 × 30 s
 * skew = 120 s), a sustained 833 proofs/s fit; above that new proofs are refused (503) until old
 * ones expire. About 11 MB of heap when full. Size it for rate × window (see MemoryDpopReplayCache).
 */
export const DEFAULT_DPOP_REPLAY_MAX = 100_000;

/** Options of MemoryDpopReplayCache. */
export interface MemoryDpopReplayCacheOptions {
  /** Most unexpired proofs remembered (default DEFAULT_DPOP_REPLAY_MAX). */
  max?: number | undefined;
  /** Ms since the epoch; for controlled clocks in tests. */
  now?: (() => number) | undefined;
}

/** Least time between two full sweeps of a full cache (each costs a pass over every entry). */
const FULL_SWEEP_INTERVAL_MS = 1000;

/**
 * An in-process set of proof ids that fails closed: an entry is forgotten only once it has
 * expired, never to make room. When `max` unexpired proofs are held, a new proof is refused with
 * DpopReplayCacheFullError (the adapters answer 503 with Retry-After) until some expire; a replay
 * is still refused as a replay. Capacity needed: the peak proof rate × (max age + 2 × skew).
 * Nothing is allocated up front, so a verifier that never sees a DPoP proof costs nothing.
 */
export class MemoryDpopReplayCache implements DpopReplayCache {
  /** key → expiry (ms), in insertion order: with one TTL, also expiry order. */
  readonly #seen = new Map<string, number>();
  readonly #max: number;
  readonly #now: () => number;
  #lastFullSweep = -Infinity;

  constructor(options: MemoryDpopReplayCacheOptions = {}) {
    const max = options.max ?? DEFAULT_DPOP_REPLAY_MAX;
    if (!Number.isInteger(max) || max < 1) throw new TypeError('dpop: replay cache max must be a positive integer');
    this.#max = max;
    this.#now = options.now ?? Date.now;
  }

  /** Unexpired and expired-but-not-yet-swept entries. */
  get size(): number {
    return this.#seen.size;
  }

  firstUse(key: string, ttlSeconds: number): boolean {
    const now = this.#now();
    const expiry = this.#seen.get(key);
    if (expiry !== undefined) {
      if (expiry > now) return false;
      this.#seen.delete(key);
    }
    if (this.#seen.size >= this.#max && !this.#makeRoom(now)) {
      throw new DpopReplayCacheFullError(this.#retryAfterSeconds(now));
    }
    this.#seen.set(key, now + Math.ceil(ttlSeconds * 1000));
    return true;
  }

  /** Drops expired entries: the oldest first (cheap, and exact for one TTL), else a full sweep at most once a second. */
  #makeRoom(now: number): boolean {
    for (const [key, expiry] of this.#seen) {
      if (expiry > now) break;
      this.#seen.delete(key);
    }
    if (this.#seen.size < this.#max) return true;
    if (now - this.#lastFullSweep < FULL_SWEEP_INTERVAL_MS) return false;
    this.#lastFullSweep = now;
    for (const [key, expiry] of this.#seen) if (expiry <= now) this.#seen.delete(key);
    return this.#seen.size < this.#max;
  }

  /** When the oldest entry expires (whole seconds, at least 1). */
  #retryAfterSeconds(now: number): number {
    const oldest = this.#seen.values().next().value ?? now;
    return Math.max(1, Math.ceil((oldest - now) / 1000));
  }
}
