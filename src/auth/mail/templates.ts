/**
 * The account mails, plain text and HTML. The only secret a mail carries is its one link (a
 * console URL with `?token=`); notices carry none. Values are escaped for HTML.
 */
export type MailTemplate =
  'invitation' | 'password_reset' | 'password_changed' | 'verify_email' | 'email_changed' | 'signup';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailValues {
  /** The link with its token, for templates that have one. */
  link?: string | undefined;
  /** Whole minutes or hours the link lives, in words ("30 minutes"). */
  lifetime?: string | undefined;
  username?: string | undefined;
  /** The new address, in the notice to the old one. */
  newEmail?: string | undefined;
}

interface Template {
  subject: string;
  lines: (v: MailValues) => string[];
  /** The button text of the link, when the template has one. */
  action?: string;
}

const NOT_YOU = 'If this was not you, you can ignore this message.';

const TEMPLATES: Record<MailTemplate, Template> = {
  invitation: {
    subject: 'You are invited to Bulwark',
    lines: (v) => [
      'You have been invited to join Bulwark.',
      `Open the link below to choose your username and password. It works once, for ${v.lifetime ?? ''}.`,
    ],
    action: 'Accept the invitation',
  },
  password_reset: {
    subject: 'Reset your Bulwark password',
    lines: (v) => [
      `Someone asked to reset the password of the Bulwark account ${v.username ?? ''}.`,
      `Open the link below to choose a new one. It works once, for ${v.lifetime ?? ''}.`,
      NOT_YOU,
    ],
    action: 'Choose a new password',
  },
  password_changed: {
    subject: 'Your Bulwark password was changed',
    lines: (v) => [
      `The password of the Bulwark account ${v.username ?? ''} was just changed, and every session of the account was signed out.`,
      'If this was not you, reset your password at once and tell your administrator.',
    ],
  },
  verify_email: {
    subject: 'Confirm your email address for Bulwark',
    lines: (v) => [
      `Confirm that this address belongs to the Bulwark account ${v.username ?? ''}.`,
      `The link works once, for ${v.lifetime ?? ''}.`,
      NOT_YOU,
    ],
    action: 'Confirm this address',
  },
  email_changed: {
    subject: 'Your Bulwark email address is being changed',
    lines: (v) => [
      `Someone signed in as ${v.username ?? ''} asked to change the account's email address to ${v.newEmail ?? ''}.`,
      'It changes once the new address is confirmed. If this was not you, change your password and tell your administrator.',
    ],
  },
  signup: {
    subject: 'Finish creating your Bulwark account',
    lines: (v) => [
      `Confirm this address to finish creating the Bulwark account ${v.username ?? ''}.`,
      `The link works once, for ${v.lifetime ?? ''}.`,
      NOT_YOU,
    ],
    action: 'Create my account',
  },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderMail(template: MailTemplate, values: MailValues): RenderedMail {
  const t = TEMPLATES[template];
  const lines = t.lines(values);
  const link = t.action === undefined ? undefined : values.link;
  const text = [...lines, ...(link === undefined ? [] : ['', link]), '', '-- Bulwark'].join('\n');
  const paragraphs = lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n');
  const button = link === undefined ? '' : `\n<p><a href="${escapeHtml(link)}">${escapeHtml(t.action ?? '')}</a></p>`;
  const html = `<!doctype html>\n<html><body>\n${paragraphs}${button}\n<p>-- Bulwark</p>\n</body></html>\n`;
  return { subject: t.subject, text, html };
}

/** "30 minutes", "24 hours", "7 days". */
export function describeLifetime(seconds: number): string {
  if (seconds % 86_400 === 0 && seconds >= 172_800) return `${seconds / 86_400} days`;
  if (seconds % 3_600 === 0) return seconds === 3_600 ? '1 hour' : `${seconds / 3_600} hours`;
  return `${Math.round(seconds / 60)} minutes`;
}
