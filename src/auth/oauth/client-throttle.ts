import { createHash } from 'node:crypto';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../../errors/index.js';
import { isRejection, retryAfterSeconds, type LimiterBackend } from '../../http/rate-limit.js';

export interface ClientThrottlePolicy {
  /** Failed client authentications per claimed client id + IP within the window, then 429. */
  failuresPerClientIp: number;
  failureWindowSeconds: number;
  /** Failed authentications per IP per day, whatever client they claim. */
  failuresPerIpPerDay: number;
}

export type ClientThrottledListener = (event: {
  clientId: string | undefined;
  ip: string | null;
  retryAfter: number;
}) => Promise<void>;

/**
 * Brute force against the OAuth endpoints' client authentication, checked before a secret or an
 * assertion is looked at and counted on each invalid_client. Keys are hashes: no client id a
 * caller typed is written to the counter store.
 */
export class ClientThrottle {
  readonly #pairs: RateLimiterAbstract;
  readonly #ips: RateLimiterAbstract;

  constructor(
    backend: LimiterBackend,
    private readonly policy: ClientThrottlePolicy,
    private readonly onThrottled: ClientThrottledListener,
  ) {
    this.#pairs = backend.create({
      name: 'oauth-fail-client-ip',
      points: policy.failuresPerClientIp,
      durationSeconds: policy.failureWindowSeconds,
    });
    this.#ips = backend.create({ name: 'oauth-fail-ip', points: policy.failuresPerIpPerDay, durationSeconds: 86_400 });
  }

  async check(clientId: string | undefined, ip: string | null): Promise<void> {
    const [pair, address] = await Promise.all([this.#pairs.get(pairKey(clientId, ip)), this.#ips.get(ip ?? 'unknown')]);
    let waitMs = 0;
    if (pair !== null && pair.consumedPoints >= this.policy.failuresPerClientIp) waitMs = pair.msBeforeNext;
    if (address !== null && address.consumedPoints >= this.policy.failuresPerIpPerDay)
      waitMs = Math.max(waitMs, address.msBeforeNext);
    if (waitMs <= 0) return;
    const retryAfter = retryAfterSeconds(waitMs);
    await this.onThrottled({ clientId, ip, retryAfter });
    throw new TooManyRequestsError(retryAfter);
  }

  async failed(clientId: string | undefined, ip: string | null): Promise<void> {
    await Promise.all([consumeQuietly(this.#pairs, pairKey(clientId, ip)), consumeQuietly(this.#ips, ip ?? 'unknown')]);
  }
}

async function consumeQuietly(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (!isRejection(error)) throw error;
  }
}

function pairKey(clientId: string | undefined, ip: string | null): string {
  return createHash('sha256')
    .update(`${clientId ?? ''}\u0000${ip ?? 'unknown'}`)
    .digest('base64url');
}
