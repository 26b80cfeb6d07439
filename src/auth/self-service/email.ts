import { InvalidRequestError } from '../../errors/index.js';

/** RFC 5321 §4.5.3.1.3: a path holds at most 256 octets, so an address at most 254. */
export const EMAIL_MAX_LENGTH = 254;
const SHAPE = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/**
 * One spelling per address: NFKC, trimmed, lower-case (domains are case-free; no mail system in
 * use distinguishes the case of the local part either). Throws 400 for what is not an address.
 */
export function normaliseEmail(raw: string): string {
  const email = raw.normalize('NFKC').trim().toLowerCase();
  if (email.length > EMAIL_MAX_LENGTH || !SHAPE.test(email)) {
    throw new InvalidRequestError('invalid email address', { detail: 'This is not an email address (name@example.com).' });
  }
  return email;
}
