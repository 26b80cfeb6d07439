import { randomUUID } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { InvalidRequestError } from '../../errors/index.js';
import { passwordWork } from './password-work.js';
import { PASSWORD_MAX_LENGTH } from '@bulwark/contract';
import { AUTH_DEFAULTS } from '../defaults.js';

/** The argon2 parameters of AUTH_DEFAULTS; 2 is Algorithm.Argon2id (a const enum, which isolated modules cannot read). */
export const ARGON2_PARAMS = { ...AUTH_DEFAULTS.argon2, algorithm: AUTH_DEFAULTS.argon2.algorithm as Algorithm };

/** Hashes and verifications go through `passwordWork` (a bound on argon2 work in flight). */
export function hashPassword(password: string): Promise<string> {
  return passwordWork.run(() => hash(password, ARGON2_PARAMS));
}

/** Never throws on a malformed stored hash: a broken hash is a wrong password. Throws 503 when
 *  the server is too busy to verify (see PasswordWork). */
export function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  return passwordWork.run(async () => {
    try {
      return await verify(storedHash, password);
    } catch {
      return false;
    }
  });
}

/** True when the stored hash was made with other parameters than today's (rehash on login). */
export function needsRehash(storedHash: string): boolean {
  const expected = `$argon2id$v=19$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}$`;
  return !storedHash.startsWith(expected);
}

/**
 * A hash of a random password, made once per process: unknown usernames are verified against
 * it so that they cost the same argon2 work as a wrong password (no user enumeration by timing).
 */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomUUID());
  await verifyPassword(await dummyHash, password);
  return false;
}

/**
 * NIST SP 800-63B style: length, not composition rules. What remains after taking the username
 * out must still be a password of its own (so "carol-carol-carol" is refused, a passphrase that
 * happens to contain the name is not).
 */
export function assertAcceptablePassword(password: string, username: string): void {
  const length = [...password].length;
  if (length < AUTH_DEFAULTS.passwordMinLength) {
    throw new InvalidRequestError('password too short', {
      detail: `The password must have at least ${AUTH_DEFAULTS.passwordMinLength} characters.`,
    });
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw new InvalidRequestError('password too long', {
      detail: `The password must have at most ${PASSWORD_MAX_LENGTH} characters.`,
    });
  }
  const rest = username === '' ? password : password.toLowerCase().split(username.toLowerCase()).join('');
  if (new Set(password).size < 4 || [...rest].length < 8 || new Set(rest).size < 4) {
    throw new InvalidRequestError('password too weak', { detail: 'The password is too easy to guess.' });
  }
}
