import { InvalidRequestError } from '../../errors/index.js';

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/** One spelling per account: Unicode-normalised, trimmed, lower-case. */
export function normaliseUsername(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

/** For new accounts: 2..64 characters of a-z 0-9 . _ - starting with a letter or digit. */
export function validUsername(username: string): string {
  const normalised = normaliseUsername(username);
  if (!USERNAME.test(normalised)) {
    throw new InvalidRequestError('invalid username', {
      detail: 'A username has 2 to 64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit.',
    });
  }
  return normalised;
}
