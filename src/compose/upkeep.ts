import type { Logger } from 'pino';
import type { RemoteJwksSource } from '@bulwark/guard';
import type { KeyManager } from '../auth/keys/key-manager.js';
import { KEY_RELOAD_INTERVAL_MS, REMOVED_KEY_GRACE_MS } from '../auth/keys/key-timing.js';
import type { RevocationService } from '../auth/revocation/revocation-service.js';
import type { SqlStore } from '../store/index.js';
import { AUTH_DEFAULTS } from '../auth/defaults.js';

/** Periodic work that keeps a process current; started once it listens, stopped on close. */
export interface UpkeepTask {
  what: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

const SYNC_INTERVAL_MS = 2_000;
export const HOUSEKEEPING_INTERVAL_MS = 30_000;

/**
 * The store sync, every 2 s whatever the Redis feed's state: Redis makes a revocation reach the
 * other instances in milliseconds, the store sync guarantees it within 2 s when Redis is down or
 * one instance's (or the CLI's) publish failed. One indexed query per instance per interval.
 */
export function revocationSyncTask(revocations: Pick<RevocationService, 'sync'>): UpkeepTask {
  return { what: 'revocation sync', everyMs: SYNC_INTERVAL_MS, run: () => revocations.sync() };
}

/** A purge run deletes at most this many batches, yielding to requests between them. */
export const PURGE_BATCHES_PER_RUN = 50;

/**
 * Sessions that expired more than AUTH_DEFAULTS.endedSessionKeepMs ago, with their refresh
 * tokens: batch after batch (each a bounded statement), handing the event loop back between
 * them, until one deletes nothing or the run has done its share (the next run goes on).
 */
export function endedSessionPurgeTask(
  sessions: Pick<SqlStore['sessions'], 'purgeEnded'>,
  now: () => number,
): UpkeepTask {
  return {
    what: 'ended session purge',
    everyMs: HOUSEKEEPING_INTERVAL_MS,
    run: async () => {
      const before = now() - AUTH_DEFAULTS.endedSessionKeepMs;
      for (let batch = 0; batch < PURGE_BATCHES_PER_RUN; batch++) {
        const { sessions: gone, refreshTokens } = await sessions.purgeEnded(before);
        if (gone === 0 && refreshTokens === 0) return;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
  };
}

export function revocationPruneTask(revocations: Pick<RevocationService, 'prune'>): UpkeepTask {
  return { what: 'revocation prune', everyMs: HOUSEKEEPING_INTERVAL_MS, run: () => revocations.prune() };
}

/**
 * Every 5 s: scheduled rotation (a `next` key, created once across the cluster), promotion of a
 * `next` key published for the JWKS max-age, removal of expired retired keys, and a reload, so a
 * key change made by another instance or the CLI (above all `keys rotate --now --revoke-current`)
 * reaches this instance's signer and verifier (and flushes its verified-token cache) within 5 s.
 */
export function keyLifecycleTask(
  keys: Pick<KeyManager, 'upkeep' | 'rotationBlocker'>,
  keyRotationIntervalSeconds: number,
  logger: Logger,
): UpkeepTask {
  const blocker = keys.rotationBlocker();
  if (keyRotationIntervalSeconds > 0 && blocker !== undefined) {
    logger.info({ reason: blocker }, 'scheduled key rotation is off: %s', blocker);
  }
  return {
    what: 'key lifecycle',
    everyMs: KEY_RELOAD_INTERVAL_MS,
    run: async () => {
      const { created, promoted } = await keys.upkeep();
      if (created !== undefined)
        logger.info({ kid: created.kid, signs_from: created.signsFrom }, 'scheduled key rotation: next key published');
      if (promoted !== undefined)
        logger.info({ kid: promoted.kid }, 'key promoted: next key now signs; the previous key is retired');
    },
  };
}

/**
 * A payroll-only process trusts keys by the token service's JWKS, which it re-reads only when the
 * document's max-age lapses (300 s by default). A key removed in an emergency (`keys rotate --now
 * --revoke-current`) must stop verifying sooner: the shared store says which keys are removed,
 * read with the revocation sync, and those kids are distrusted at once (cache flushed with them).
 */
export function removedKeysTask(
  store: Pick<SqlStore, 'keys'>,
  keys: Pick<RemoteJwksSource, 'distrust'>,
  now: () => number = Date.now,
): UpkeepTask {
  // Distrusted once no token service signs with it any more (the same grace as theirs).
  const graceMs = store.keys.externalChangeMarker === undefined ? REMOVED_KEY_GRACE_MS : 0;
  return {
    what: 'removed-key sync',
    everyMs: SYNC_INTERVAL_MS,
    run: async () => {
      const at = now();
      keys.distrust(
        (await store.keys.list())
          .filter((key) => key.state === 'removed' && (key.removedAt ?? 0) + graceMs <= at)
          .map((key) => key.kid),
      );
    },
  };
}

/** Security events that cover no live token, and receivers' streams idle past their timeout. */
export function securityEventPurgeTask(feed: { purge(): Promise<unknown> }): UpkeepTask {
  return { what: 'security event purge', everyMs: HOUSEKEEPING_INTERVAL_MS, run: () => feed.purge() };
}
