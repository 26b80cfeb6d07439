/**
 * Wakes the SET feed's long polls. In this process a revocation calls notify() at once; events
 * appended by another process on the same database (another instance, the CLI) are noticed by a
 * watcher that reads the log's change marker every `recheckMs`, so delivery never depends on
 * Redis (which, when configured, wakes this process through the revocation feed sooner).
 */
export class FeedWakeup {
  readonly #tickets = new Set<() => void>();
  readonly #timer: NodeJS.Timeout | undefined;
  #marker: string | undefined;
  #closed = false;

  constructor(marker: () => Promise<string>, recheckMs: number, onError: (error: unknown) => void = () => {}) {
    if (recheckMs <= 0) return;
    let running = false;
    this.#timer = setInterval(() => {
      if (running) return;
      running = true;
      marker()
        .then((next) => {
          if (this.#marker !== undefined && next !== this.#marker) this.notify();
          this.#marker = next;
        })
        .catch(onError)
        .finally(() => {
          running = false;
        });
    }, recheckMs);
    this.#timer.unref();
  }

  notify(): void {
    const tickets = [...this.#tickets];
    this.#tickets.clear();
    for (const wake of tickets) wake();
  }

  /**
   * A ticket taken before reading the log, then awaited: a notify between the read and the wait
   * is not lost. Resolves when woken, after `timeoutMs`, on abort, or at close.
   */
  ticket(): { wait(timeoutMs: number, signal?: AbortSignal): Promise<void> } {
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    if (this.#closed) wake();
    else this.#tickets.add(wake);
    return {
      wait: async (timeoutMs, signal) => {
        let timer: NodeJS.Timeout | undefined;
        const onAbort = () => wake();
        signal?.addEventListener('abort', onAbort, { once: true });
        if (signal?.aborted === true) wake();
        try {
          await Promise.race([woken, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
        } finally {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          this.#tickets.delete(wake);
        }
      },
    };
  }

  /** Releases every waiting poll (they answer what they have) and stops the watcher. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.notify();
  }

  get closed(): boolean {
    return this.#closed;
  }
}
