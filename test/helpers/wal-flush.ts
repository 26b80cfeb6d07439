/**
 * A WAL flush the test holds (src/store/group-commit.ts's WalFlush): while `state.passing` is
 * false each flush waits at a gate of its own until the test opens or fails it, as a disk that
 * is slow, fails or stops answering. `gates.length` counts the flushes made while held.
 */
export function gatedFlush(passing = false) {
  const gates: Array<{ open: () => void; fail: (error: Error) => void }> = [];
  const state = { passing };
  const flush = () =>
    state.passing
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => gates.push({ open: resolve, fail: reject }));
  /** Lets every held flush through, and the next ones at once. */
  const release = () => {
    state.passing = true;
    for (const gate of gates) gate.open();
  };
  return { flush, gates, state, release };
}

/** Whether `promise` has settled by the next turn of the event loop. */
export async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}
