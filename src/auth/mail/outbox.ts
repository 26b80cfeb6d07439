import { randomUUID } from 'node:crypto';
import type { AccountsStore } from '../../store/types.js';
import { open, seal } from '../keys/sealed-box.js';
import { renderMail, type MailTemplate, type MailValues, type RenderedMail } from './templates.js';

/** Associated data of a sealed body: it opens only on its own outbox row. */
const aad = (id: string): string => `mail:${id}`;

/**
 * Queues mail in the durable outbox (the worker delivers it). The rendered body holds the link,
 * so it is sealed under the master key and forgotten once sent. `eventKey` names the event the
 * message is for: queuing it again (a retried request) keeps the first.
 */
export class Outbox {
  #onQueued: () => void = () => {};

  constructor(
    private readonly kek: () => Buffer,
    private readonly now: () => number,
  ) {}

  /** Called after each queuing (the worker starts delivering at once instead of at its next poll). */
  onQueued(listener: () => void): void {
    this.#onQueued = listener;
  }

  async queue(
    accounts: AccountsStore,
    eventKey: string,
    to: string,
    template: MailTemplate,
    values: MailValues,
  ): Promise<boolean> {
    const id = randomUUID();
    const body = JSON.stringify(renderMail(template, values));
    const now = this.now();
    const queued = await accounts.enqueue({
      id,
      eventKey,
      to,
      template,
      bodySealed: seal(body, this.kek(), aad(id)),
      createdAt: now,
      attempts: 0,
      nextAttemptAt: now,
      leaseUntil: null,
      sentAt: null,
      failedAt: null,
      lastError: null,
    });
    return queued;
  }

  /** To call once the transaction that queued has committed. */
  queued(): void {
    this.#onQueued();
  }

  openBody(id: string, sealed: string): RenderedMail {
    return JSON.parse(open(sealed, this.kek(), aad(id))) as RenderedMail;
  }
}
