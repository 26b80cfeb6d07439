import { secondStepWithPasskey } from './passkeys/passkeys.js';
import type { Request } from './passkeys/flow-types.js';
import { BulwarkProblemError, problemFromResponse, type ProblemFields } from './problem-error.js';
import type { BulwarkUser } from './types.js';
import { CODE } from './codes.js';

/** Posts one login step in cookie mode and signs the tab in with its answer. */
export type LoginStep = (path: string, fields: Record<string, unknown>) => Promise<BulwarkUser>;

/**
 * 401 `mfa_required`: the password was right, a second factor is due. `complete(code)` sends a
 * TOTP or recovery code with the login's mfa_token, which only those closures hold (no property,
 * nothing to log). A wrong code rejects with `invalid_mfa_code` and may be tried again.
 * `completeWithPasskey()` uses one of the user's passkeys instead (the browser's prompt).
 */
export class BulwarkMfaRequiredError extends BulwarkProblemError {
  readonly complete: (code: string) => Promise<BulwarkUser>;
  readonly completeWithPasskey: () => Promise<BulwarkUser>;
  /** The second steps the account has: `totp` (a code or recovery code; `complete`), `passkey` (`completeWithPasskey`). */
  readonly methods: ReadonlyArray<'totp' | 'passkey'>;

  constructor(
    fields: ProblemFields,
    complete: (code: string) => Promise<BulwarkUser>,
    completeWithPasskey: () => Promise<BulwarkUser>,
    methods: ReadonlyArray<'totp' | 'passkey'> = ['totp'],
  ) {
    super(fields);
    this.name = 'BulwarkMfaRequiredError';
    this.complete = complete;
    this.completeWithPasskey = completeWithPasskey;
    this.methods = methods;
  }
}

/** The mfa_required body's `methods` (servers before it: a code only). */
function secondStepMethods(value: unknown): ReadonlyArray<'totp' | 'passkey'> {
  if (!Array.isArray(value)) return ['totp'];
  const known = value.filter((method): method is 'totp' | 'passkey' => method === 'totp' || method === 'passkey');
  return known.length > 0 ? known : ['totp'];
}

/** 401 `password_change_required` (after an admin reset): `changePassword(newPassword)` ends the login. */
export class BulwarkPasswordChangeRequiredError extends BulwarkProblemError {
  readonly changePassword: (newPassword: string) => Promise<BulwarkUser>;

  constructor(fields: ProblemFields, changePassword: (newPassword: string) => Promise<BulwarkUser>) {
    super(fields);
    this.name = 'BulwarkPasswordChangeRequiredError';
    this.changePassword = changePassword;
  }
}

/** The problem of a refused login step; one asking for another step carries the function that takes it. */
export async function loginStepProblem(res: Response, step: LoginStep, request: Request): Promise<BulwarkProblemError> {
  const body = (await res
    .clone()
    .json()
    .catch(() => null)) as Record<string, unknown> | null;
  const problem = await problemFromResponse(res);
  const mfaToken = body?.mfa_token;
  const changeToken = body?.password_change_token;
  if (problem.code === CODE.mfa_required && typeof mfaToken === 'string') {
    return new BulwarkMfaRequiredError(
      problem,
      (code) => step('/api/users-sessions/mfa', { mfa_token: mfaToken, code }),
      () => secondStepWithPasskey(mfaToken, request, step),
      secondStepMethods(body?.methods),
    );
  }
  if (problem.code === CODE.password_change_required && typeof changeToken === 'string') {
    return new BulwarkPasswordChangeRequiredError(problem, (password) =>
      step('/api/users-sessions/password-change', { password_change_token: changeToken, new_password: password }),
    );
  }
  return problem;
}
