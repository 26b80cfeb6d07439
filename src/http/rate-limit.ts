import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../errors/index.js';
import { CIRCUIT_DEFAULTS, type RedisCircuit } from '../redis/circuit.js';
import { acquireRedisCircuit, createRedisConnection, quitQuietly, type SharedCircuit } from '../redis/connection.js';
import { CircuitGuardedLimiter } from '../redis/guarded-limiter.js';

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
  return new RateLimiterMemory({
    keyPrefix: `${keyPrefix}:${spec.name}`,
    points: spec.points,
    duration: spec.durationSeconds,
  });
}

/** Counters in this process: the default, and right for a single instance. */
export function memoryBackend(keyPrefix = DEFAULT_KEY_PREFIX): LimiterBackend {
  return { kind: 'memory', create: (spec) => memoryLimiter(spec, keyPrefix), close: async () => {} };
}

/**
 * Counters in Redis, shared by all instances, behind the process's Redis circuit: each command
 * waits at most the circuit's timeout (250 ms), and while the circuit is open (Redis down or
 * hung) no command is sent at all. Either way the limiter answers from an in-memory insurance
 * limiter: login keeps working and stays throttled, per instance.
 * The connection opens at once: with no offline queue a command sent before it is up fails
 * ("stream isn't writeable"), and a lazy connection never came up at all, so every count failed
 * over to memory and the failures opened the process's circuit, taking the revocation feed's
 * publishes with it. Connection errors are left to the insurance limiter and never logged here:
 * the URL may carry a password.
 */
export function redisBackend(
  url: string,
  keyPrefix = DEFAULT_KEY_PREFIX,
  circuit?: RedisCircuit,
): LimiterBackend & { connect(): Promise<void> } {
  const client = createRedisConnection(url, 'bulwark-rate-limits');
  let held: SharedCircuit | undefined;
  const breaker = (): RedisCircuit => circuit ?? (held ??= acquireRedisCircuit(url)).circuit;
  return {
    kind: 'redis',
    create: (spec) =>
      new RLWrapperTimeouts({
        limiter: new CircuitGuardedLimiter(
          new RateLimiterRedis({
            storeClient: client,
            keyPrefix: `${keyPrefix}:${spec.name}`,
            points: spec.points,
            duration: spec.durationSeconds,
          }),
          breaker,
        ),
        insuranceLimiter: memoryLimiter(spec, keyPrefix),
        // A backstop only: the circuit's own timeout answers first.
        timeoutMs: 2 * CIRCUIT_DEFAULTS.timeoutMs,
      }),
    /** Resolves once the connection is up (it opens on creation). */
    connect: async () => {
      breaker();
      if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    },
    async close() {
      await Promise.all([quitQuietly(client), held?.release()]);
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
