/**
 * Storage of the second factor and of account administration (issue #13), part of the Store
 * (types.ts). Secrets are stored sealed, codes and tokens only as hashes.
 */

/**
 * RFC 8176 authentication method references: password, one-time code (TOTP or recovery code);
 * a passkey: proof of a hardware- or software-held key, user verification, multiple factors.
 */
export type AuthMethod = 'pwd' | 'otp' | 'hwk' | 'swk' | 'user' | 'mfa';

export interface TotpEnrolment {
  userId: string;
  /** The base32 secret sealed under the master key (sealed-box, bound to the user id). */
  secretSealed: string;
  createdAt: number;
  /** null until the user proved a code: only a confirmed enrolment is asked for at login. */
  confirmedAt: number | null;
  /** The RFC 6238 time step of the last accepted code: a code of this step or earlier is refused. */
  lastStep: number | null;
}

/** What a pending login step is for: the second factor, or the new password an admin reset demands. */
export type LoginChallengePurpose = 'mfa' | 'password_change';

export interface LoginChallenge {
  /** SHA-256 of the token (mfa_token, password_change_token), base64url. */
  hash: string;
  userId: string;
  purpose: LoginChallengePurpose;
  /** The methods already passed (pwd; pwd otp after a second factor). */
  amr: AuthMethod[];
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  /** Wrong codes presented with it. */
  attempts: number;
}

export interface MfaStore {
  /** Inserts or replaces the user's enrolment. */
  saveEnrolment(enrolment: TotpEnrolment): Promise<void>;
  findEnrolment(userId: string): Promise<TotpEnrolment | undefined>;
  /**
   * In one transaction: confirms an unconfirmed enrolment, records `step` as its last step and
   * replaces the user's recovery codes with `recoveryHashes`. False (nothing written) when there
   * is no enrolment or it is already confirmed.
   */
  confirm(userId: string, at: number, step: number, recoveryHashes: readonly string[]): Promise<boolean>;
  /** Sets lastStep to `step` only if it is null or lower: false means the step was already used. */
  advanceStep(userId: string, step: number): Promise<boolean>;
  /** Hashes of the user's unused recovery codes. */
  unusedRecoveryCodes(userId: string): Promise<string[]>;
  /** Marks the code used if it is the user's and unused; false otherwise (of concurrent uses, one wins). */
  useRecoveryCode(userId: string, hash: string, at: number): Promise<boolean>;
  /** Deletes the enrolment and the recovery codes; false when there was no enrolment. */
  removeEnrolment(userId: string): Promise<boolean>;

  createChallenge(challenge: LoginChallenge): Promise<void>;
  findChallenge(hash: string): Promise<LoginChallenge | undefined>;
  /** Counts a wrong code against the challenge; returns the attempts after it. */
  failChallenge(hash: string): Promise<number>;
  /** Marks it used if unused and unexpired at `now`; false otherwise (of concurrent uses, one wins). */
  consumeChallenge(hash: string, now: number): Promise<boolean>;
  /** Deletes challenges that expired at or before `now`; returns how many. */
  purgeChallenges(now: number): Promise<number>;
}

/** Failed logins (password or second factor) of one account from one address. */
export interface LoginFailureRecord {
  userId: string;
  /** The client address, or `unknown`. */
  ip: string;
  failures: number;
  firstFailedAt: number;
  lastFailedAt: number;
}

export interface LoginFailuresStore {
  /** Adds one failure of the user from `ip` (atomic under concurrency). */
  record(userId: string, ip: string, at: number): Promise<void>;
  /** The user's failures from `ip`, or undefined when there are none. */
  find(userId: string, ip: string): Promise<LoginFailureRecord | undefined>;
  /** The user's failures per address, most recent first. */
  list(userId: string): Promise<LoginFailureRecord[]>;
  /** Forgets the user's failures (an admin unlock), or those from `ip` only (a login from there succeeded); returns the cleared rows. */
  clear(userId: string, ip?: string): Promise<LoginFailureRecord[]>;
}
