import { PROBLEM_CODE, PROBLEMS } from '@bulwark/contract/registry';
import { BulwarkError } from '@bulwark/guard';

/** A mailed link's token that is unknown, forged, malformed or for another flow. */
export class LinkInvalidError extends BulwarkError {
  readonly code = PROBLEM_CODE.link_invalid;
  readonly status = PROBLEMS.link_invalid.status;
  constructor(reason: string) {
    super(`link rejected: ${reason}`, { detail: 'This link is not valid. Ask for a new one.' });
  }
}

/** A mailed link whose lifetime is over. */
export class LinkExpiredError extends BulwarkError {
  readonly code = PROBLEM_CODE.link_expired;
  readonly status = PROBLEMS.link_expired.status;
  constructor() {
    super('link expired', { detail: 'This link has expired. Ask for a new one.' });
  }
}

/** A mailed link that was already used (or replaced by a newer one). */
export class LinkUsedError extends BulwarkError {
  readonly code = PROBLEM_CODE.link_used;
  readonly status = PROBLEMS.link_used.status;
  constructor() {
    super('link already used', { detail: 'This link was already used. Ask for a new one if you still need it.' });
  }
}

/** A mailed link opened by a signed-in user it was not sent to. */
export class LinkWrongAccountError extends BulwarkError {
  readonly code = PROBLEM_CODE.link_wrong_account;
  readonly status = PROBLEMS.link_wrong_account.status;
  constructor() {
    super('link for another account', {
      detail: 'This link belongs to another account: sign in as that account to use it.',
    });
  }
}

/** Production without BULWARK_SMTP_URL: the flows that need mail are off. */
export class MailUnavailableError extends BulwarkError {
  readonly code = PROBLEM_CODE.mail_unavailable;
  readonly status = PROBLEMS.mail_unavailable.status;
  constructor() {
    super('mail is not configured', {
      detail: 'This server sends no mail (no SMTP server configured), so this is unavailable.',
    });
  }
}

/** BULWARK_SIGNUP does not let this caller create an account or an invitation. */
export class SignupClosedError extends BulwarkError {
  readonly code = PROBLEM_CODE.signup_closed;
  readonly status = PROBLEMS.signup_closed.status;
  constructor() {
    super('self sign-up is off', {
      detail: 'This server does not let people sign up themselves; ask an administrator for an invitation.',
    });
  }
}
