import { LRUCache } from 'lru-cache';

/**
 * Where the jti of every accepted DPoP proof is remembered for as long as the proof could be
 * accepted, so that each proof is used once (RFC 9449 §11.1). Keys are opaque strings (a hash of
 * the proof key and jti). A service with several instances shares one (Bulwark's server uses
 * Redis); the default lives in the process.
 */
export interface DpopReplayCache {
  /** True the first time `key` is seen within `ttlSeconds`; false for a replay. */
  firstUse(key: string, ttlSeconds: number): boolean | Promise<boolean>;
}

/** Most proofs the in-process replay cache remembers. */
export const DEFAULT_DPOP_REPLAY_MAX = 100_000;

/**
 * An in-process LRU of proof ids. Bounded: past `max` entries the oldest are forgotten early, so
 * under a sustained rate above max / window (about 1,100 proofs/s with the defaults) an old proof
 * could be replayed within its window; size it for the traffic, or share a Redis one.
 */
export class MemoryDpopReplayCache implements DpopReplayCache {
  readonly #seen: LRUCache<string, true>;

  constructor(options: { max?: number | undefined } = {}) {
    const max = options.max ?? DEFAULT_DPOP_REPLAY_MAX;
    if (!Number.isInteger(max) || max < 1) throw new TypeError('dpop: replay cache max must be a positive integer');
    this.#seen = new LRUCache<string, true>({ max, ttlAutopurge: false });
  }

  firstUse(key: string, ttlSeconds: number): boolean {
    if (this.#seen.has(key)) return false;
    this.#seen.set(key, true, { ttl: Math.ceil(ttlSeconds * 1000) });
    return true;
  }
}
