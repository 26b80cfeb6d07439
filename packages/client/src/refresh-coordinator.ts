import type { TabChannel } from './tab-channel.js';
import type { TokenStore } from './token-store.js';
import type { Grant } from './types.js';

/** One lock for the whole origin: every tab's refresh presents the same cookie. */
const LOCK_NAME = 'bulwark-refresh';
/** A token closer than this to its expiry is refreshed before use. */
export const FRESH_MARGIN_MS = 10_000;
/** How long a tab that waited for the lock waits for the holder's broadcast before refreshing itself. */
const BROADCAST_GRACE_MS = 100;

interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable: true }, callback: (lock: unknown) => Promise<T>): Promise<T>;
  request<T>(name: string, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

/** Single-flight refresh, shared across tabs. */
export interface RefreshCoordinator {
  /**
   * A token newer than `stale` (the one that failed, or null): taken from another tab or an earlier
   * refresh when there is one, otherwise fetched. null: no session (the cookie was missing or refused).
   */
  refresh(stale: string | null): Promise<string | null>;
}

/** What the coordinator needs: the token store, the tab channel, and the network refresh. */
export interface CoordinatorDeps {
  store: TokenStore;
  channel: TabChannel;
  /** POST /api/users-sessions/refresh; null on 401 (no session). */
  refreshOverNetwork(): Promise<Grant | null>;
  onRefreshed(): void;
}

/** One refresh at a time in this tab, and under the Web Lock `bulwark-refresh` across tabs where it exists. */
export function createRefreshCoordinator({
  store,
  channel,
  refreshOverNetwork,
  onRefreshed,
}: CoordinatorDeps): RefreshCoordinator {
  let inFlight: Promise<string | null> | null = null;

  const newerThan = (stale: string | null): string | null => {
    const current = store.get();
    return current !== null && current !== stale && store.isFresh(FRESH_MARGIN_MS) ? current : null;
  };

  async function refreshOnce(stale: string | null, waitedForAnotherTab: boolean): Promise<string | null> {
    // The tab that held the lock has broadcast its token; the message may trail the lock by a moment.
    if (waitedForAnotherTab && newerThan(stale) === null) await channel.nextMessage(BROADCAST_GRACE_MS);
    const taken = newerThan(stale);
    if (taken !== null) return taken;
    const grant = await refreshOverNetwork();
    if (grant === null) return null;
    store.set(grant);
    channel.post({ kind: 'refresh', ...grant });
    onRefreshed();
    return grant.accessToken;
  }

  async function underLock(stale: string | null): Promise<string | null> {
    const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
    if (!locks) return refreshOnce(stale, false);
    const uncontended = await locks.request(LOCK_NAME, { ifAvailable: true }, async (lock) =>
      lock ? { token: await refreshOnce(stale, false) } : null,
    );
    return uncontended ? uncontended.token : locks.request(LOCK_NAME, () => refreshOnce(stale, true));
  }

  return {
    refresh(stale) {
      inFlight ??= underLock(stale).finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
  };
}
