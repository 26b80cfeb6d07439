import { createHash } from 'node:crypto';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../../errors/index.js';
import { isRejection, retryAfterSeconds, type LimiterBackend } from '../../http/rate-limit.js';
import { normaliseUsername } from '../users/usernames.js';

/**
 * Login brute-force policy (from the configuration: RateLimits and LOGIN_BACKOFF):
 * - per normalised username + IP: 5 failures within an hour, then blocked; the block lasts 30 s
 *   and doubles with each further block of the same pair within a day, up to 15 min. A
 *   successful login forgets both the failures and the back-off.
 * - per IP: 100 failed logins per day (slow brute force across many usernames);
 * - per IP: 20 login attempts per second, failed or not (bursts).
 * Limits are checked before the password is verified (a blocked caller learns nothing, even with
 * the right password) and consumed on failure. Keys never depend on whether the user exists.
 *
 * The counters live in memory or Redis, and either can lose them (a restart). With a durable
 * count (the store's login_failures: an existing account's failures per address since its last
 * login from there), a pair the counters hold nothing for is judged from that count instead, and
 * a failure tops the counters up to it: so a restart hands out no fresh attempts and ends no
 * block. The durable count holds second-factor failures too, so after a loss it is the stricter.
 */
export interface LoginPolicy {
  failuresPerUserIp: number;
  failureWindowSeconds: number;
  firstBlockSeconds: number;
  maxBlockSeconds: number;
  /** How long past blocks of a pair count toward the length of its next block. */
  backoffMemorySeconds: number;
  failuresPerIpPerDay: number;
  attemptsPerIpPerSecond: number;
}

export type ThrottleScope = 'username_ip' | 'ip' | 'ip_burst';

/** An account's failures from one address since its last login from there (the store's durable count). */
export interface DurableFailureRecord {
  failures: number;
  lastFailedAt: number;
}

/** Where a pair's failures outlive the counters; `read` answers undefined for no failures or no such account. */
export interface DurableFailures {
  read(username: string, ip: string | null): Promise<DurableFailureRecord | undefined>;
  now(): number;
}

/** Called before every 429: the audit entry (never the password; the username is not passed). */
export type ThrottledListener = (event: {
  username: string;
  ip: string | null;
  scope: ThrottleScope;
  retryAfter: number;
}) => Promise<void>;

export class LoginThrottle {
  private readonly failures: RateLimiterAbstract;
  private readonly blocks: RateLimiterAbstract;
  private readonly ipFailures: RateLimiterAbstract;
  private readonly burst: RateLimiterAbstract;

  /** `name` separates the counters of another secret throttled alike (`mfa`: second-factor codes, keyed by user id). */
  constructor(
    backend: LimiterBackend,
    private readonly policy: LoginPolicy,
    private readonly onThrottled: ThrottledListener,
    name = 'login',
    private readonly durable?: DurableFailures,
  ) {
    this.failures = backend.create({
      name: `${name}-fail-user-ip`,
      points: policy.failuresPerUserIp,
      durationSeconds: policy.failureWindowSeconds,
    });
    this.blocks = backend.create({
      name: `${name}-blocks-user-ip`,
      points: Number.MAX_SAFE_INTEGER,
      durationSeconds: policy.backoffMemorySeconds,
    });
    this.ipFailures = backend.create({
      name: `${name}-fail-ip`,
      points: policy.failuresPerIpPerDay,
      durationSeconds: 86_400,
    });
    this.burst = backend.create({
      name: `${name}-burst-ip`,
      points: policy.attemptsPerIpPerSecond,
      durationSeconds: 1,
    });
  }

  /** Throws TooManyRequestsError (after notifying) when any limit is reached. Counts the attempt. */
  async check(username: string, ip: string | null): Promise<void> {
    const ipKey = ip ?? 'unknown';
    let waitMs = 0;
    let scope: ThrottleScope | undefined;
    try {
      await this.burst.consume(ipKey);
    } catch (error) {
      if (!isRejection(error)) throw error;
      [waitMs, scope] = [error.msBeforeNext, 'ip_burst'];
    }
    const [pair, address] = await Promise.all([this.failures.get(pairKey(username, ip)), this.ipFailures.get(ipKey)]);
    if (
      address !== null &&
      address.consumedPoints >= this.policy.failuresPerIpPerDay &&
      address.msBeforeNext > waitMs
    ) {
      [waitMs, scope] = [address.msBeforeNext, 'ip'];
    }
    if (pair !== null && pair.consumedPoints > this.policy.failuresPerUserIp && pair.msBeforeNext > waitMs) {
      [waitMs, scope] = [pair.msBeforeNext, 'username_ip'];
    }
    if (pair === null) {
      const blockedMs = (await this.durableState(username, ip)).blockedMs;
      if (blockedMs > waitMs) [waitMs, scope] = [blockedMs, 'username_ip'];
    }
    if (scope === undefined) return;
    const retryAfter = retryAfterSeconds(waitMs);
    await this.onThrottled({ username, ip, scope, retryAfter });
    throw new TooManyRequestsError(retryAfter);
  }

  /** A failed login: counts toward both limits; the last allowed failure starts a block. */
  async failed(username: string, ip: string | null): Promise<void> {
    const key = pairKey(username, ip);
    const [counted, durable] = await Promise.all([
      this.consumeQuietly(this.failures, key),
      this.durableState(username, ip),
      this.consumeQuietly(this.ipFailures, ip ?? 'unknown'),
    ]);
    let pair = counted;
    // Counters that lost the pair's failures (a restart) are topped up to the durable count.
    if (pair !== undefined && pair < durable.inRound) {
      await this.failures.penalty(key, durable.inRound - pair);
      pair = durable.inRound;
    }
    if (pair === undefined || pair < this.policy.failuresPerUserIp) return;
    const level = Math.max((await this.consumeQuietly(this.blocks, key)) ?? 1, durable.rounds);
    await this.failures.block(key, this.blockSeconds(level));
  }

  /** A successful login (or an admin unlock) forgets the pair's failures and back-off (not the per-IP counts). */
  async succeeded(username: string, ip: string | null): Promise<void> {
    const key = pairKey(username, ip);
    await Promise.all([this.failures.delete(key), this.blocks.delete(key)]);
  }

  /** Seconds the pair must still wait (0: not blocked), for the admin's view of an account. */
  async blockedFor(username: string, ip: string | null): Promise<number> {
    const pair = await this.failures.get(pairKey(username, ip));
    return pair !== null && pair.consumedPoints > this.policy.failuresPerUserIp
      ? retryAfterSeconds(pair.msBeforeNext)
      : 0;
  }

  /**
   * The durable count read as the counters would hold it: failures in the current round (its
   * window running from the last failure), rounds completed (each started a block, the last still
   * running for `blockedMs`). Failures older than the back-off memory are forgotten, as the
   * counters forget them.
   */
  private async durableState(
    username: string,
    ip: string | null,
  ): Promise<{ inRound: number; rounds: number; blockedMs: number }> {
    const none = { inRound: 0, rounds: 0, blockedMs: 0 };
    if (this.durable === undefined) return none;
    const record = await this.durable.read(username, ip);
    const now = this.durable.now();
    if (
      record === undefined ||
      record.failures <= 0 ||
      now - record.lastFailedAt >= this.policy.backoffMemorySeconds * 1000
    )
      return none;
    const limit = this.policy.failuresPerUserIp;
    const rounds = Math.floor(record.failures / limit);
    const partial = record.failures % limit;
    if (partial > 0)
      return {
        inRound: now - record.lastFailedAt < this.policy.failureWindowSeconds * 1000 ? partial : 0,
        rounds,
        blockedMs: 0,
      };
    const blockEnds = record.lastFailedAt + this.blockSeconds(rounds) * 1000;
    const blockedMs = Math.max(0, blockEnds - now);
    // A running block: the counters would hold the whole round (and the block) for the pair.
    return { inRound: blockedMs > 0 ? limit : 0, rounds, blockedMs };
  }

  /** The length of a pair's `level`th block (1: the first). */
  private blockSeconds(level: number): number {
    return Math.min(
      this.policy.firstBlockSeconds * 2 ** Math.min(Math.max(level, 1) - 1, 30),
      this.policy.maxBlockSeconds,
    );
  }

  /** Consumed points after this hit; a rejection (already past the limit) counts as over it. */
  private async consumeQuietly(limiter: RateLimiterAbstract, key: string): Promise<number | undefined> {
    try {
      return (await limiter.consume(key)).consumedPoints;
    } catch (error) {
      if (isRejection(error)) return error.consumedPoints;
      throw error;
    }
  }
}

/** The pair's store key: a hash, so no username (existing or not) is written to the store. */
function pairKey(username: string, ip: string | null): string {
  return createHash('sha256')
    .update(`${normaliseUsername(username)}\u0000${ip ?? 'unknown'}`)
    .digest('base64url');
}
