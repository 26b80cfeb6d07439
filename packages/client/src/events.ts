import type { BulwarkEvent, BulwarkListener, BulwarkUser } from './types.js';

/** The client's listeners for signin, signout and refresh. */
export interface Emitter {
  on(event: BulwarkEvent, listener: BulwarkListener): () => void;
  emit(event: BulwarkEvent, user: BulwarkUser | null): void;
  clear(): void;
}

/** An Emitter whose emit calls every listener, even after one throws (the first error is rethrown after). */
export function createEmitter(): Emitter {
  const listeners = new Map<BulwarkEvent, Set<BulwarkListener>>();
  return {
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set.add(listener));
      return () => void set.delete(listener);
    },
    // Every listener runs even if one throws; the first error is rethrown afterwards.
    emit(event, user) {
      let failure: { error: unknown } | undefined;
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try {
          listener(user);
        } catch (error) {
          failure ??= { error };
        }
      }
      if (failure) throw failure.error;
    },
    clear: () => listeners.clear(),
  };
}
