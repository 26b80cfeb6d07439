import { BulwarkError } from '@bulwark/guard';

/** A mailed link's token that is unknown, forged, malformed or for another flow. */
export class LinkInvalidError extends BulwarkError {
  readonly code = 'link_invalid';
  readonly status = 400;
  constructor(reason: string) {
    super(`link rejected: ${reason}`, { detail: 'This link is not valid. Ask for a new one.' });
  }
}

/** A mailed link whose lifetime is over. */
export class LinkExpiredError extends BulwarkError {
  readonly code = 'link_expired';
  readonly status = 410;
  constructor() {
    super('link expired', { detail: 'This link has expired. Ask for a new one.' });
  }
}

/** A mailed link that was already used (or replaced by a newer one). */
export class LinkUsedError extends BulwarkError {
  readonly code = 'link_used';
  readonly status = 410;
  constructor() {
    super('link already used', { detail: 'This link was already used. Ask for a new one if you still need it.' });
  }
}

/** A mailed link opened by a signed-in user it was not sent to. */
export class LinkWrongAccountError extends BulwarkError {
  readonly code = 'link_wrong_account';
  readonly status = 403;
  constructor() {
    super('link for another account', { detail: 'This link belongs to another account: sign in as that account to use it.' });
  }
}

/** Production without BULWARK_SMTP_URL: the flows that need mail are off. */
export class MailUnavailableError extends BulwarkError {
  readonly code = 'mail_unavailable';
  readonly status = 503;
  constructor() {
    super('mail is not configured', { detail: 'This server sends no mail (no SMTP server configured), so this is unavailable.' });
  }
}

/** BULWARK_SIGNUP does not let this caller create an account or an invitation. */
export class SignupClosedError extends BulwarkError {
  readonly code = 'signup_closed';
  readonly status = 403;
  constructor() {
    super('self sign-up is off', { detail: 'This server does not let people sign up themselves; ask an administrator for an invitation.' });
  }
}
