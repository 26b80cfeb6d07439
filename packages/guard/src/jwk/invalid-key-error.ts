import { BulwarkError } from '../bulwark-error.js';

/**
 * Key material that cannot be used: unreadable, public-only where a private key is needed, of the
 * wrong type or curve for its algorithm, too small, or marked for another use. A configuration or
 * key-store problem, never a client's fault; the message names the problem, never the key bytes.
 */
export class InvalidKeyError extends BulwarkError {
  readonly code = 'invalid_key';
  readonly status = 500;
}
