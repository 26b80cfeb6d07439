import { EMAIL_MAX_LENGTH } from '@bulwark/contract';
import { InvalidRequestError } from '../../errors/index.js';
const SHAPE = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/**
 * One spelling per address: NFKC, trimmed, lower-case (domains are case-free; no mail system in
 * use distinguishes the case of the local part either). Throws 400 for what is not an address.
 */
export function normaliseEmail(raw: string): string {
  const email = raw.normalize('NFKC').trim().toLowerCase();
  if (email.length > EMAIL_MAX_LENGTH || !SHAPE.test(email)) {
    throw new InvalidRequestError('invalid email address', {
      detail: 'This is not an email address (name@example.com).',
    });
  }
  return email;
}
