import { Gauge, type Registry } from 'prom-client';

/** Longest a scrape waits for the database to answer before reporting it down. */
export const DATABASE_PROBE_TIMEOUT_MS = 1_000;

/**
 * What the gauges read when scraped. Each one given registers its gauges; one not given has no
 * series at all (a process without Redis has no bulwark_redis_up, rather than a false 0).
 */
export interface MetricsProbes {
  /** Argon2 hashes and verifications running, and waiting for a slot (PasswordWork.load). */
  passwordWork?: () => { active: number; waiting: number };
  /** Resolves when the database answers (a ping). */
  database?: () => Promise<unknown>;
  /** The Redis revocation feed: `ok` while subscribed with the Redis circuit closed. */
  redis?: () => 'ok' | 'degraded' | 'none';
  /** Milliseconds since the last complete store sync of revocations; undefined before the first. */
  revocationSyncAgeMs?: () => number | undefined;
}

export function registerProbes(registry: Registry, probes: MetricsProbes): void {
  const registers = [registry];
  const { passwordWork, database, redis, revocationSyncAgeMs } = probes;
  if (passwordWork !== undefined) {
    const waiting: Gauge = new Gauge({
      name: 'bulwark_argon2_queue_depth',
      help: 'Password hashes and verifications waiting for an argon2 slot (past the queue bound logins answer 503).',
      registers,
      collect: () => waiting.set(passwordWork().waiting),
    });
    const active: Gauge = new Gauge({
      name: 'bulwark_argon2_in_flight',
      help: 'Password hashes and verifications running now.',
      registers,
      collect: () => active.set(passwordWork().active),
    });
  }
  if (database !== undefined) {
    const up: Gauge = new Gauge({
      name: 'bulwark_database_up',
      help: `1 when the database answered a ping within ${DATABASE_PROBE_TIMEOUT_MS} ms at scrape time, else 0.`,
      registers,
      collect: async () => up.set((await answers(database, DATABASE_PROBE_TIMEOUT_MS)) ? 1 : 0),
    });
  }
  if (redis !== undefined) {
    const up: Gauge = new Gauge({
      name: 'bulwark_redis_up',
      help: '1 while the Redis revocation feed is subscribed and the Redis circuit is closed, else 0.',
      registers,
      collect: () => up.set(redis() === 'ok' ? 1 : 0),
    });
  }
  if (revocationSyncAgeMs !== undefined) {
    const age: Gauge = new Gauge({
      name: 'bulwark_revocation_sync_age_seconds',
      help: "Seconds since revocations were last read from the store (every 2 s when healthy): the bound on a revocation's delay without Redis.",
      registers,
      collect: () => {
        const ms = revocationSyncAgeMs();
        if (ms === undefined) age.reset();
        else age.set(Math.max(0, ms) / 1000);
      },
    });
  }
}

async function answers(probe: () => Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      probe().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
