import { randomUUID } from 'node:crypto';
import { createRedisRevocationFeed, type FeedLogger } from '../../src/auth/revocation/revocation-feed-redis.js';
import type { RevocationFeed } from '../../src/auth/revocation/revocation-feed.js';
import { RevocationService } from '../../src/auth/revocation/revocation-service.js';
import type { AccessTokenClaims } from '../../packages/guard/src/types.js';
import { openStore, type SqlStore } from '../../src/store/index.js';

export const REDIS_URL = process.env.BULWARK_TEST_REDIS_URL;
/** `describe(..., { skip })`: false when a test Redis is configured, the reason otherwise. */
export const SKIP_REDIS: string | false =
  REDIS_URL === undefined || REDIS_URL === ''
    ? 'BULWARK_TEST_REDIS_URL not set (real-Redis revocation feed tests)'
    : false;

export const TOKEN_LIFETIME_MS = 900_000 + 30_000;
export const SKEW_MS = 30_000;

/** A pino-shaped logger that keeps its lines, so tests can assert what was (not) logged. */
export function memoryLogger(): FeedLogger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (obj: object, msg: string) => void lines.push(JSON.stringify({ level, msg, ...obj }));
  return { lines, info: log('info'), warn: log('warn') };
}

/** One in-process "instance": its own store connection (to a shared database) and Redis feed. */
export interface Instance {
  store: SqlStore;
  revocations: RevocationService;
  feed: RevocationFeed;
  logger: ReturnType<typeof memoryLogger>;
  close(): Promise<void>;
}

export function uniqueChannel(): string {
  return `bulwark:test:revocations:${randomUUID()}`;
}

export async function openInstance(
  dataDir: string,
  redisUrl: string,
  channel: string,
  maxRetryDelayMs = 200,
): Promise<Instance> {
  const store = await openStore({ dataDir });
  const revocations = new RevocationService(store.revocations, TOKEN_LIFETIME_MS, SKEW_MS);
  await revocations.sync();
  const logger = memoryLogger();
  const feed = createRedisRevocationFeed({ url: redisUrl, channel, logger, maxRetryDelayMs });
  revocations.attachFeed(feed);
  return {
    store,
    revocations,
    feed,
    logger,
    async close() {
      await feed.close();
      await store.close();
    },
  };
}

/** Polls (on every turn of the event loop) until `check` passes; returns the ms it took. */
export async function until(check: () => boolean | Promise<boolean>, ms: number, what = 'condition'): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < ms) {
    if (await check()) return performance.now() - start;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`${what} not met within ${ms} ms`);
}

/** Claims of a token with this jti, issued now, for `set.isRevoked`. */
export function claimsFor(jti: string, sid = 'no-sid', sub = 'no-user'): AccessTokenClaims {
  const now = Math.floor(Date.now() / 1000);
  return { iss: 'http://bulwark.test', sub, aud: 'payroll', exp: now + 900, iat: now, jti, sid };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
