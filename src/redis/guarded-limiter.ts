import { RateLimiterCompatibleAbstract, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisCircuit } from './circuit.js';

type Options = { [key: string]: unknown };

const isAnswer = (error: unknown): boolean => error instanceof RateLimiterRes;

/**
 * A Redis-backed limiter whose every call goes through the Redis circuit: bounded by its timeout,
 * refused at once while it is open. A limiter's "no" (a RateLimiterRes rejection) is Redis
 * answering, not a failure. Wrapped in RLWrapperTimeouts with an in-memory insuranceLimiter, so
 * any failure or refusal is answered from memory instead.
 */
export class CircuitGuardedLimiter extends RateLimiterCompatibleAbstract {
  // Own properties: they shadow the base class's accessors, which only throw.
  override readonly keyPrefix: string;
  override blockDuration: number;
  override execEvenly: boolean;

  constructor(
    private readonly redis: RateLimiterAbstract,
    private readonly circuit: () => RedisCircuit,
  ) {
    super();
    this.keyPrefix = redis.keyPrefix;
    this.blockDuration = redis.blockDuration;
    this.execEvenly = redis.execEvenly;
  }

  override consume(key: string | number, points?: number, options?: Options): Promise<RateLimiterRes> {
    return this.circuit().run(() => this.redis.consume(key, points, options), isAnswer);
  }

  override penalty(key: string | number, points?: number, options?: Options): Promise<RateLimiterRes> {
    return this.circuit().run(() => this.redis.penalty(key, points, options), isAnswer);
  }

  override reward(key: string | number, points?: number, options?: Options): Promise<RateLimiterRes> {
    return this.circuit().run(() => this.redis.reward(key, points, options), isAnswer);
  }

  override get(key: string | number, options?: Options): Promise<RateLimiterRes | null> {
    return this.circuit().run(() => this.redis.get(key, options), isAnswer);
  }

  override set(key: string | number, points: number, seconds: number, options?: Options): Promise<RateLimiterRes> {
    return this.circuit().run(() => this.redis.set(key, points, seconds, options), isAnswer);
  }

  override block(key: string | number, seconds: number, options?: Options): Promise<RateLimiterRes> {
    return this.circuit().run(() => this.redis.block(key, seconds, options), isAnswer);
  }

  override delete(key: string | number, options?: Options): Promise<boolean> {
    return this.circuit().run(() => this.redis.delete(key, options), isAnswer);
  }
}
