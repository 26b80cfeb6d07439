import { PROBLEM_CODE, PROBLEMS } from '@bulwark/contract/registry';
import { BulwarkError } from '@bulwark/guard';

/** Extra members of the problem+json body (RFC 9457 §3.2): only tokens meant for this client. */
export type ProblemMembers = Readonly<Record<string, string | number | readonly string[]>>;

/**
 * The password was right but the login is not finished: the body carries a short-lived,
 * single-use token for the next step. Only the caller that proved the password receives it.
 */
export abstract class LoginStepRequiredError extends BulwarkError {
  abstract readonly members: ProblemMembers;
}

/** A second login step an account may have. */
export type SecondStepMethod = 'totp' | 'passkey';

/** 401 mfa_required: POST /api/users-sessions/mfa with `mfa_token` and a code, or …/mfa/passkey. */
export class MfaRequiredError extends LoginStepRequiredError {
  readonly code = PROBLEM_CODE.mfa_required;
  readonly status = PROBLEMS.mfa_required.status;
  readonly members: ProblemMembers;
  /** `methods`: the second steps the account has (`totp`: a code or recovery code; `passkey`). */
  constructor(mfaToken: string, expiresIn: number, methods: readonly SecondStepMethod[] = ['totp']) {
    super('second factor required', {
      detail: methods.includes('totp')
        ? 'Enter the code of your authenticator app (or a recovery code).'
        : 'Confirm with one of your passkeys.',
    });
    this.members = { mfa_token: mfaToken, expires_in: expiresIn, methods };
  }
}

/** 401 password_change_required: an admin reset the password; POST /api/users-sessions/password-change. */
export class PasswordChangeRequiredError extends LoginStepRequiredError {
  readonly code = PROBLEM_CODE.password_change_required;
  readonly status = PROBLEMS.password_change_required.status;
  readonly members: ProblemMembers;
  constructor(token: string, expiresIn: number) {
    super('password change required', { detail: 'Your password was reset by an administrator: choose a new one.' });
    this.members = { password_change_token: token, expires_in: expiresIn };
  }
}

/** An mfa_token or password_change_token that is unknown, expired, used, or spent on wrong codes. */
export class InvalidLoginTokenError extends BulwarkError {
  readonly code = PROBLEM_CODE.invalid_login_token;
  readonly status = PROBLEMS.invalid_login_token.status;
  constructor(reason: string) {
    super(`login step refused: ${reason}`, { detail: 'This login step expired or was already used: log in again.' });
  }
}

/** A TOTP or recovery code that is wrong, already used, or of an already used time step. */
export class InvalidMfaCodeError extends BulwarkError {
  readonly code = PROBLEM_CODE.invalid_mfa_code;
  readonly status = PROBLEMS.invalid_mfa_code.status;
  constructor(reason: string) {
    super(`second factor refused: ${reason}`, { detail: 'The code is incorrect or was already used.' });
  }
}
