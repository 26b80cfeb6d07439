import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { MemoryDpopReplayCache, type DpopReplayCache } from '@bulwark/guard';
import { isRejection, type LimiterBackend } from '../../http/rate-limit.js';

/**
 * The DPoP proof ids (RFC 9449 §11.1): first in this process's fail-closed cache (bounded by
 * BULWARK_DPOP_REPLAY_CACHE_MAX; full of unexpired proofs, it refuses new ones with a 503 and
 * Retry-After, never forgets one early), then, when BULWARK_REDIS_URL is set, in Redis shared by
 * every instance, so a proof accepted by one instance is a replay at every other. Redis goes
 * through the circuit breaker (src/redis); while it is down or hung the backend's in-memory
 * insurance limiter answers, so replays are then caught per instance only (docs/security.md).
 */
export class LimiterDpopReplayCache implements DpopReplayCache {
  readonly #byTtl = new Map<number, RateLimiterAbstract>();
  readonly #local: MemoryDpopReplayCache;

  constructor(
    private readonly backend: LimiterBackend,
    options: { max: number; now?: (() => number) | undefined },
  ) {
    this.#local = new MemoryDpopReplayCache(options);
  }

  firstUse(key: string, ttlSeconds: number): boolean | Promise<boolean> {
    // Throws DpopReplayCacheFullError when full: the proof is refused, not let through.
    if (!this.#local.firstUse(key, ttlSeconds)) return false;
    return this.backend.kind === 'memory' ? true : this.#firstUseShared(key, ttlSeconds);
  }

  async #firstUseShared(key: string, ttlSeconds: number): Promise<boolean> {
    const duration = Math.ceil(ttlSeconds);
    let seen = this.#byTtl.get(duration);
    if (seen === undefined) {
      seen = this.backend.create({ name: `dpop-jti-${duration}`, points: 1, durationSeconds: duration });
      this.#byTtl.set(duration, seen);
    }
    try {
      await seen.consume(key);
      return true;
    } catch (error) {
      if (isRejection(error)) return false;
      throw error;
    }
  }
}
