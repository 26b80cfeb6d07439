import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../errors/index.js';

/** One counter: at most `points` hits per `durationSeconds` window and key. */
export interface LimiterSpec {
  /** Part of the store key: one name per counter. */
  name: string;
  points: number;
  durationSeconds: number;
}

/** Where counters live: this process (memory) or Redis, shared by every instance. */
export interface LimiterBackend {
  readonly kind: 'memory' | 'redis';
  create(spec: LimiterSpec): RateLimiterAbstract;
  close(): Promise<void>;
}

export const DEFAULT_KEY_PREFIX = 'bulwark:rl';

function memoryLimiter(spec: LimiterSpec, keyPrefix: string): RateLimiterMemory {
  return new RateLimiterMemory({ keyPrefix: `${keyPrefix}:${spec.name}`, points: spec.points, duration: spec.durationSeconds });
}

/** Counters in this process: the default, and right for a single instance. */
export function memoryBackend(keyPrefix = DEFAULT_KEY_PREFIX): LimiterBackend {
  return { kind: 'memory', create: (spec) => memoryLimiter(spec, keyPrefix), close: async () => {} };
}

/**
 * Counters in Redis, shared by all instances. The client has no offline queue, so a command
 * fails at once while Redis is unreachable; each limiter then falls back to an in-memory
 * insurance limiter: login keeps working and stays throttled, per instance.
 * The connection is lazy (a CLI run that never counts never connects). Connection errors are
 * left to the insurance limiter and never logged here: the URL may carry a password.
 */
export function redisBackend(url: string, keyPrefix = DEFAULT_KEY_PREFIX): LimiterBackend & { connect(): Promise<void> } {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    connectionName: 'bulwark-rate-limits',
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 10), 2_000),
  });
  client.on('error', () => {
    // Expected while Redis is down; the insurance limiters answer meanwhile.
  });
  return {
    kind: 'redis',
    create: (spec) => new RateLimiterRedis({
      storeClient: client,
      keyPrefix: `${keyPrefix}:${spec.name}`,
      points: spec.points,
      duration: spec.durationSeconds,
      insuranceLimiter: memoryLimiter(spec, keyPrefix),
    }),
    /** Connects now instead of on the first count (which the insurance limiter then answers). */
    connect: () => client.connect(),
    async close() {
      if (client.status === 'wait' || client.status === 'end') {
        client.disconnect();
        return;
      }
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/** Memory unless a Redis URL is configured. */
export function defaultBackend(redisUrl: string | undefined, keyPrefix = DEFAULT_KEY_PREFIX): LimiterBackend {
  return redisUrl === undefined ? memoryBackend(keyPrefix) : redisBackend(redisUrl, keyPrefix);
}

/** Retry-After in whole seconds, at least 1. */
export function retryAfterSeconds(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

/** A limiter's "no": a RateLimiterRes (anything else is a store failure). */
export function isRejection(error: unknown): error is RateLimiterRes {
  return error instanceof RateLimiterRes;
}

/** A plain request limit: every hit consumes a point; past the limit, 429 with Retry-After. */
export class RequestLimit {
  constructor(private readonly limiter: RateLimiterAbstract) {}

  async hit(key: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (error) {
      if (isRejection(error)) throw new TooManyRequestsError(retryAfterSeconds(error.msBeforeNext));
      throw error;
    }
  }
}
