import { PROBLEM_CODE, PROBLEMS } from '@bulwark/contract/registry';
import { BulwarkError } from '@bulwark/guard';

/**
 * The challenge a passkey response signed is unknown, expired, already used, or of another
 * ceremony or account: start the ceremony again. Nothing was changed.
 */
export class InvalidPasskeyChallengeError extends BulwarkError {
  readonly code = PROBLEM_CODE.invalid_passkey_challenge;
  readonly status = PROBLEMS.invalid_passkey_challenge.status;
  constructor(readonly reason: string) {
    super(`passkey challenge refused: ${reason}`, {
      detail: 'This passkey request expired or was already used: try again.',
    });
  }
}

/**
 * A passkey sign-in refused: unknown credential, bad signature, wrong origin or RP ID, no user
 * verification, a signature counter that went back, or a disabled user. One answer for all.
 */
export class InvalidPasskeyError extends BulwarkError {
  readonly code = PROBLEM_CODE.invalid_passkey;
  readonly status = PROBLEMS.invalid_passkey.status;
  constructor(readonly reason: string) {
    super(`passkey sign-in refused: ${reason}`, { detail: 'This passkey cannot sign in here.' });
  }
}

/** A new passkey's attestation refused: wrong origin or RP ID, no user verification, malformed. */
export class InvalidPasskeyRegistrationError extends BulwarkError {
  readonly code = PROBLEM_CODE.invalid_passkey_registration;
  readonly status = PROBLEMS.invalid_passkey_registration.status;
  constructor(readonly reason: string) {
    super(`passkey registration refused: ${reason}`, { detail: 'The passkey could not be verified: try again.' });
  }
}
