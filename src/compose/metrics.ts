import { passwordWork } from '../auth/passwords/password-work.js';
import type { RevocationFeed } from '../auth/revocation/revocation-feed.js';
import type { RevocationService } from '../auth/revocation/revocation-service.js';
import type { Metrics } from '../metrics/index.js';
import type { SqlStore } from '../store/index.js';

/**
 * The gauges every process reports: its database, its Redis feed (when configured), how old its
 * revocation state is, and (where passwords are checked) the argon2 queue.
 */
export function watchProcess(
  metrics: Metrics,
  parts: { store: SqlStore; feed: RevocationFeed; revocations: RevocationService; checksPasswords: boolean },
): void {
  const { store, feed, revocations } = parts;
  metrics.watch({
    database: () => store.ping(),
    ...(feed.state() === 'none' ? {} : { redis: () => feed.state() }),
    revocationSyncAgeMs: () => revocations.syncAgeMs(),
    ...(parts.checksPasswords ? { passwordWork: () => passwordWork.load } : {}),
  });
}

/** Hears the age of each revocation arriving over Redis pub/sub. */
export function redisArrivals(metrics: Metrics | undefined): ((ageMs: number) => void) | undefined {
  return metrics === undefined ? undefined : (ageMs) => metrics.revocationDelivered('redis_pubsub', ageMs);
}
