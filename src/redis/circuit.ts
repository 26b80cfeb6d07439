import { checkedDefaults } from '../config/defaults.js';

/**
 * A circuit breaker in front of Redis. A Redis that refuses connections fails every command at
 * once; a Redis that hangs (SIGSTOP, a stuck fork, a half-open TCP path) accepts the bytes and
 * never answers, so without this every caller would wait out its own timeout on every request.
 *
 * - closed: commands run, each bounded by `timeoutMs`; `failureThreshold` consecutive failures
 *   (timeouts, errors) open the circuit. A heartbeat PING every `heartbeatMs` notices a hang even
 *   when no request touches Redis, so readiness turns `degraded` without traffic.
 * - open: commands fail at once with CircuitOpenError (callers take their store-backed or
 *   in-memory path); a probe PING every `probeIntervalMs` (the half-open step) closes it again
 *   on the first answer, and listeners hear of the change (the revocation feed resyncs).
 */
export interface CircuitOptions {
  /** Longest wait for one command or probe before it counts as failed (ms). */
  timeoutMs: number;
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** Probe interval while closed (ms). */
  heartbeatMs: number;
  /** Probe interval while open (ms). */
  probeIntervalMs: number;
}

export const CIRCUIT_DEFAULTS: Readonly<CircuitOptions> = checkedDefaults('redis', {
  timeoutMs: 250,
  failureThreshold: 2,
  heartbeatMs: 1_000,
  probeIntervalMs: 2_000,
});

export type CircuitState = 'closed' | 'open';

/** Thrown instead of sending a command while the circuit is open. */
export class CircuitOpenError extends Error {
  readonly code = 'CIRCUIT_OPEN';
  constructor() {
    super('Redis circuit open: not sending the command');
  }
}

/** A command or probe that got no answer within the circuit's timeout. */
export class RedisTimeoutError extends Error {
  readonly code = 'REDIS_TIMEOUT';
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
  }
}

/** `promise`, or a RedisTimeoutError after `ms`; a late rejection of `promise` is swallowed. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // When the event loop itself was busy (a long synchronous job, a loaded machine), the timer
    // and Redis's answer are due together; timers run before I/O, so without this the answer
    // waiting in the socket would lose and a healthy Redis would be counted as not answering.
    // setImmediate runs after the I/O phase: a buffered answer settles the race first.
    timer = setTimeout(() => setImmediate(() => reject(new RedisTimeoutError(ms))), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class RedisCircuit {
  readonly options: Readonly<CircuitOptions>;
  #state: CircuitState = 'closed';
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  readonly #listeners = new Set<(state: CircuitState) => void>();

  /** `probe`: a cheap round trip (PING) on a connection of its own. */
  constructor(
    private readonly probe: () => Promise<unknown>,
    options: Partial<CircuitOptions> = {},
  ) {
    this.options = { ...CIRCUIT_DEFAULTS, ...options };
  }

  get state(): CircuitState {
    return this.#state;
  }

  /**
   * Runs a command unless the circuit is open. `isAnswer` tells errors that are Redis answering
   * (a rate limiter's "no") from failures; only failures count toward opening.
   */
  async run<T>(command: () => Promise<T>, isAnswer: (error: unknown) => boolean = () => false): Promise<T> {
    if (this.#state === 'open') throw new CircuitOpenError();
    try {
      const result = await withTimeout(command(), this.options.timeoutMs);
      this.#succeeded(false);
      return result;
    } catch (error) {
      if (isAnswer(error)) this.#succeeded(false);
      else this.#failed();
      throw error;
    }
  }

  /** Called on every change of state. Returns the unsubscribe function. */
  onChange(listener: (state: CircuitState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts the heartbeat / probe loop (idempotent). Its timer never keeps the process alive. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** One probe now (the loop calls it; tests may too). */
  async check(): Promise<CircuitState> {
    try {
      await withTimeout(this.probe(), this.options.timeoutMs);
      this.#succeeded(true);
    } catch {
      this.#failed();
    }
    return this.#state;
  }

  #schedule(): void {
    if (!this.#running) return;
    const delay = this.#state === 'open' ? this.options.probeIntervalMs : this.options.heartbeatMs;
    this.#timer = setTimeout(() => {
      void this.check().finally(() => this.#schedule());
    }, delay);
    this.#timer.unref();
  }

  /** Only the probe closes an open circuit: a late answer to a command sent before it opened
   *  says nothing about Redis now. */
  #succeeded(fromProbe: boolean): void {
    if (this.#state === 'open' && !fromProbe) return;
    this.#failures = 0;
    this.#set('closed');
  }

  #failed(): void {
    this.#failures += 1;
    if (this.#failures >= this.options.failureThreshold) this.#set('open');
  }

  #set(state: CircuitState): void {
    if (state === this.#state) return;
    this.#state = state;
    for (const listener of this.#listeners) listener(state);
  }
}
