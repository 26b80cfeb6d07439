import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { smtpEndpoint, type MailConfig } from '../../config/index.js';

/** One rendered message, ready to hand over. */
export interface OutgoingMail {
  /** The outbox id: also the Message-ID, so a receiver can drop a duplicate delivery. */
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Hands a message to its destination; rejects (with a cause free of secrets) when it could not. */
export interface MailTransport {
  readonly kind: 'smtp' | 'files';
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

function messageOf(mail: OutgoingMail, from: string, domain: string) {
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: `<${mail.id}@${domain}>`,
  };
}

function domainOf(from: string): string {
  return /@([^\s>]+)/.exec(from)?.[1] ?? 'localhost';
}

/**
 * nodemailer over SMTP: STARTTLS required unless BULWARK_SMTP_REQUIRE_TLS=0 (smtps:// is TLS from
 * the start), every step bounded by BULWARK_SMTP_TIMEOUT, and the whole send by three times it.
 */
export function smtpTransport(config: MailConfig & { delivery: { kind: 'smtp' } }): MailTransport {
  const { url, requireTls, caFile } = config.delivery;
  const timeoutMs = config.timeoutSeconds * 1000;
  const transporter = nodemailer.createTransport({
    url,
    requireTLS: requireTls && !url.startsWith('smtps:'),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    tls: caFile === undefined ? undefined : { ca: readFileSync(caFile) },
  });
  const domain = domainOf(config.from);
  return {
    kind: 'smtp',
    async send(mail) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`SMTP send to ${smtpEndpoint(url)} took longer than ${3 * config.timeoutSeconds} s`)),
          3 * timeoutMs,
        );
      });
      try {
        await Promise.race([transporter.sendMail(messageOf(mail, config.from, domain)), deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => transporter.close(),
  };
}

/**
 * Development without SMTP: each message is one RFC 5322 `.eml` file in `<data dir>/outbox`
 * (mode 0600: it holds the link). Written beside it under a dot name and renamed into place, so
 * whatever reads the outbox (a mail client, a script, a test) sees a whole message or none. The
 * log names the file, never its content.
 */
export function fileTransport(config: MailConfig & { delivery: { kind: 'files' } }, logger: Logger): MailTransport {
  const { dir } = config.delivery;
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const domain = domainOf(config.from);
  return {
    kind: 'files',
    async send(mail) {
      const built = await builder.sendMail(messageOf(mail, config.from, domain));
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const path = join(dir, `${mail.id}.eml`);
      const partial = join(dir, `.${mail.id}.eml.partial`);
      await writeFile(partial, built.message as Buffer, { mode: 0o600 });
      await rename(partial, path);
      logger.info({ mail_file: path }, `mail written to ${path} (no BULWARK_SMTP_URL: development outbox)`);
    },
    close: () => builder.close(),
  };
}

/** The transport the configuration asks for; undefined when mail is off (production without SMTP). */
export function transportFor(config: MailConfig, logger: Logger): MailTransport | undefined {
  const { delivery } = config;
  if (delivery.kind === 'smtp') return smtpTransport({ ...config, delivery });
  if (delivery.kind === 'files') return fileTransport({ ...config, delivery }, logger);
  return undefined;
}
