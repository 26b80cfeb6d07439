import { MailUnavailableError } from '../../errors/index.js';
import type { Outbox } from '../mail/outbox.js';

/** The outbox, or a 503 mail_unavailable when this server sends no mail (production without SMTP). */
export function requireMail(outbox: Outbox | undefined): Outbox {
  if (outbox === undefined) throw new MailUnavailableError();
  return outbox;
}
