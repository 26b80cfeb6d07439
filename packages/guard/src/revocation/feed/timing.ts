import { SET_FEED_SOURCE_DEFAULTS } from './options.js';

/** The delay before retry number `failures`: doubling from the minimum to the maximum, with jitter
 *  (half fixed, half random) so that many services do not retry in step. */
export function backoffMs(failures: number): number {
  const { minBackoffMs, maxBackoffMs } = SET_FEED_SOURCE_DEFAULTS;
  const base = Math.min(maxBackoffMs, minBackoffMs * 2 ** Math.max(0, failures - 1));
  return base / 2 + Math.random() * (base / 2);
}

/** Resolves after `ms`, or at once when `signal` aborts. Never keeps the process alive. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref();
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    if (signal.aborted) done();
    else signal.addEventListener('abort', done, { once: true });
  });
}
