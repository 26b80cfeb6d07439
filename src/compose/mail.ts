import type { Logger } from 'pino';
import type { AuthServices } from '../auth/services.js';
import { MailWorker } from '../auth/mail/worker.js';
import { transportFor } from '../auth/mail/transport.js';
import { smtpEndpoint, type Config } from '../config/index.js';

/** The one start-up line about mail: where it goes, or why the mail flows are off. */
export function describeMail(config: Pick<Config, 'mail'>): string {
  const { delivery } = config.mail;
  if (delivery.kind === 'smtp')
    return `mail: SMTP ${smtpEndpoint(delivery.url)}${delivery.requireTls ? ' (TLS required)' : ''}, from ${config.mail.from}`;
  if (delivery.kind === 'files')
    return `mail: no BULWARK_SMTP_URL, so mail is written to ${delivery.dir}/*.eml (development outbox)`;
  return 'mail: off: production needs BULWARK_SMTP_URL for invitations, password reset, email verification and sign-up (they answer 503 mail_unavailable)';
}

/**
 * Starts delivering the outbox (SMTP, or .eml files in development) and wakes the worker whenever
 * a request queues mail. Undefined when mail is off.
 */
export function startMailWorker(
  auth: AuthServices,
  config: Config,
  logger: Logger,
  now: () => number = Date.now,
): MailWorker | undefined {
  const { outbox, passwordResets } = auth.selfService;
  passwordResets.onError((error) =>
    logger.warn({ err: error }, 'a password reset request failed after it was answered'),
  );
  const transport = transportFor(config.mail, logger);
  if (config.mail.delivery.kind === 'off') logger.warn(describeMail(config));
  else logger.info(describeMail(config));
  if (outbox === undefined || transport === undefined) return undefined;
  const worker = new MailWorker(auth.store.accounts, outbox, transport, logger, now, {
    leaseMs: (3 * config.mail.timeoutSeconds + 10) * 1000,
  });
  outbox.onQueued(() => worker.wake());
  worker.start();
  return worker;
}
