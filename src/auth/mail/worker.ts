import type { Logger } from 'pino';
import type { AccountsStore, OutboxMessage } from '../../store/types.js';
import type { Outbox } from './outbox.js';
import type { MailTransport } from './transport.js';

export interface MailWorkerOptions {
  /** How often the outbox is looked at when nothing woke the worker. */
  pollMs?: number;
  /** First retry delay; doubles per attempt up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A message still undelivered this long after it was queued is given up (and logged). */
  giveUpAfterMs?: number;
  /** How long a claimed message is held by this worker: longer than one send can take. */
  leaseMs: number;
}

const BATCH = 10;

/**
 * Delivers the outbox: claims due messages with a lease (two workers never hold one at once),
 * sends, marks sent; a failure frees the message for a later attempt (exponential back-off).
 * Requests never wait on it: they only write the outbox row.
 */
export class MailWorker {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  private readonly pollMs: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly giveUpAfterMs: number;

  constructor(
    private readonly accounts: AccountsStore,
    private readonly outbox: Outbox,
    private readonly transport: MailTransport,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly options: MailWorkerOptions,
  ) {
    this.pollMs = options.pollMs ?? 2_000;
    this.backoffMs = options.backoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 300_000;
    this.giveUpAfterMs = options.giveUpAfterMs ?? 3 * 86_400_000;
  }

  start(): void {
    this.#timer = setInterval(() => this.wake(), this.pollMs);
    this.#timer.unref();
    this.wake();
  }

  /** Runs a delivery pass now (or right after the one in progress). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    this.#running = this.drain().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.wake();
      }
    });
  }

  /** One pass over every due message; resolves when they are all attempted. */
  async drain(): Promise<void> {
    try {
      for (;;) {
        const batch = await this.accounts.claimDue(this.now(), this.options.leaseMs, BATCH);
        for (const message of batch) await this.deliver(message);
        if (batch.length < BATCH || this.#stopped) return;
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'mail outbox: cannot read the outbox; retrying at the next poll');
    }
  }

  private async deliver(message: OutboxMessage): Promise<void> {
    const where = {
      mail_id: message.id,
      template: message.template,
      attempt: message.attempts,
      transport: this.transport.kind,
    };
    try {
      if (message.bodySealed === null) throw new Error('message has no body');
      const body = this.outbox.openBody(message.id, message.bodySealed);
      await this.transport.send({ id: message.id, to: message.to, ...body });
      await this.accounts.markSent(message.id, this.now());
      this.logger.info(where, 'mail sent');
    } catch (error) {
      const now = this.now();
      const reason = error instanceof Error ? error.message : String(error);
      const giveUp = now - message.createdAt >= this.giveUpAfterMs;
      const delay = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** Math.max(0, message.attempts - 1));
      await this.accounts.markFailed(message.id, reason, now + delay, giveUp, now).catch((e: unknown) => {
        this.logger.warn(
          { ...where, err: e },
          'mail outbox: cannot record a failed attempt (the lease runs out and it is retried)',
        );
      });
      if (giveUp) this.logger.error({ ...where, reason }, 'mail given up: undelivered for too long');
      else this.logger.warn({ ...where, reason, retry_in_ms: delay }, 'mail not sent; will retry');
    }
  }

  /** Stops polling and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
    this.transport.close();
  }
}
