import { OAUTH_ERROR, OAUTH_ERRORS, type OAuthErrorCode } from '@bulwark/contract/registry';
import { BulwarkError } from '../../errors/index.js';

/**
 * An error of the OAuth endpoints (/oauth/*), answered in the RFC's own JSON format
 * ({"error","error_description"}) by their error handler, never as problem+json; the code and its
 * status are the registry's (@bulwark/contract/registry OAUTH_ERRORS). `message` (logs)
 * may say why; `detail` (error_description) says only what the client may know.
 */
export class OAuthError extends BulwarkError {
  readonly code: OAuthErrorCode;
  readonly status: number;

  constructor(code: OAuthErrorCode, detail: string, reason: string = detail) {
    super(`oauth ${code}: ${reason}`, { detail });
    this.code = code;
    this.status = OAUTH_ERRORS[code].status;
  }
}

/** One answer for every client-authentication failure (unknown, disabled, wrong secret or key). */
export function invalidClient(reason: string): OAuthError {
  return new OAuthError(OAUTH_ERROR.invalid_client, 'Client authentication failed.', reason);
}
