import { availableParallelism } from 'node:os';
import { ServiceUnavailableError } from '../../errors/index.js';

/**
 * Bounds the argon2 work in flight. Each hash or verification costs about 30 ms of a core and
 * 19 MiB; logins spread over many addresses (which the per-IP limits do not stop) would otherwise
 * queue without bound, hold memory, and starve the libuv pool that every other request shares.
 * At most `concurrency` run at once and at most `queue` wait; past that a request is refused at
 * once with 503, whether or not its username exists (unknown users burn the same work here).
 */
export class PasswordWork {
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(
    readonly concurrency: number = availableParallelism(),
    readonly queue: number = 64,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#active < this.concurrency) {
      this.#active += 1;
    } else {
      if (this.#waiting.length >= this.queue) {
        throw new ServiceUnavailableError('password work queue full', {
          detail: 'The server is busy; retry in a moment.',
        });
      }
      // The slot is handed over by the finishing run, so #active stays as it is.
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#active -= 1;
      else next();
    }
  }

  /** Runs in flight and waiting, for tests and diagnostics. */
  get load(): { active: number; waiting: number } {
    return { active: this.#active, waiting: this.#waiting.length };
  }
}

/** The process-wide bound every password hash and verification goes through. */
export const passwordWork = new PasswordWork();
