import { createHash } from 'node:crypto';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { isRejection, type LimiterBackend } from '../../http/rate-limit.js';

/**
 * Remembers the jti of every client assertion for `windowSeconds` (the longest an assertion can be
 * accepted), so that each is used once. It lives where the rate-limit counters live: in memory, or
 * in Redis shared by every instance when BULWARK_REDIS_URL is set.
 */
export class AssertionReplayGuard {
  readonly #seen: RateLimiterAbstract;

  constructor(backend: LimiterBackend, windowSeconds: number) {
    this.#seen = backend.create({ name: 'oauth-assertion-jti', points: 1, durationSeconds: windowSeconds });
  }

  /** True the first time this client presents this jti within the window. */
  async firstUse(clientId: string, jti: string): Promise<boolean> {
    const key = createHash('sha256').update(`${clientId}\u0000${jti}`).digest('base64url');
    try {
      await this.#seen.consume(key);
      return true;
    } catch (error) {
      if (isRejection(error)) return false;
      throw error;
    }
  }
}
