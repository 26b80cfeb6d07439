import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { DpopReplayCache } from '@bulwark/guard';
import { isRejection, type LimiterBackend } from '../../http/rate-limit.js';

/**
 * The DPoP proof ids (RFC 9449 §11.1) where the rate-limit counters live: in this process, or in
 * Redis shared by every instance when BULWARK_REDIS_URL is set, so a proof accepted by one
 * instance is a replay at every other. Redis goes through the circuit breaker (src/redis); while
 * it is down or hung the backend's in-memory insurance limiter answers, so replays are then caught
 * per instance only (docs/security.md).
 */
export class LimiterDpopReplayCache implements DpopReplayCache {
  readonly #byTtl = new Map<number, RateLimiterAbstract>();

  constructor(private readonly backend: LimiterBackend) {}

  async firstUse(key: string, ttlSeconds: number): Promise<boolean> {
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
