/**
 * navigator.locks for Node 20 (Node 22+ has the real one): an exclusive FIFO lock per name,
 * with { ifAvailable } answering null when it is held or already requested. Installed only where none exists.
 */
type Callback = (lock: { name: string } | null) => Promise<unknown>;

class FakeLockManager {
  readonly #tails = new Map<string, Promise<unknown>>();
  /** Requests granted or waiting, per name. */
  readonly #requested = new Map<string, number>();

  request(
    name: string,
    optionsOrCallback: { ifAvailable?: boolean } | Callback,
    maybeCallback?: Callback,
  ): Promise<unknown> {
    const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback) as Callback;
    const ifAvailable = typeof optionsOrCallback === 'object' && optionsOrCallback.ifAvailable === true;
    const requested = this.#requested.get(name) ?? 0;
    if (ifAvailable && requested > 0) return Promise.resolve().then(() => callback(null));
    this.#requested.set(name, requested + 1);
    const run = async (): Promise<unknown> => {
      try {
        return await callback({ name });
      } finally {
        this.#requested.set(name, (this.#requested.get(name) ?? 1) - 1);
      }
    };
    const result = (this.#tails.get(name) ?? Promise.resolve()).then(run, run);
    this.#tails.set(
      name,
      result.catch(() => undefined),
    );
    return result;
  }
}

/** Returns a function that removes what it installed. */
export function ensureWebLocks(): () => void {
  const holder = globalThis as { navigator?: { locks?: unknown } };
  if (holder.navigator?.locks !== undefined) return () => undefined;
  const hadNavigator = holder.navigator !== undefined;
  const locks = new FakeLockManager();
  if (hadNavigator) Object.defineProperty(holder.navigator, 'locks', { value: locks, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true });
  return () => {
    if (hadNavigator) delete (holder.navigator as { locks?: unknown }).locks;
    else delete holder.navigator;
  };
}
