import { BulwarkError } from '../../errors/index.js';

/** RFC 6749 §5.2 error codes, RFC 8707's invalid_target, and RFC 7009's unsupported_token_type. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'unsupported_token_type';

/**
 * An error of the OAuth endpoints (/oauth/*), answered in the RFC's own JSON format
 * ({"error","error_description"}) by their error handler, never as problem+json: RFC 6749 §5.2
 * puts every error at 400 except invalid_client, 401 with a Basic challenge. `message` (logs)
 * may say why; `detail` (error_description) says only what the client may know.
 */
export class OAuthError extends BulwarkError {
  readonly code: OAuthErrorCode;
  readonly status: 400 | 401;

  constructor(code: OAuthErrorCode, detail: string, reason: string = detail) {
    super(`oauth ${code}: ${reason}`, { detail });
    this.code = code;
    this.status = code === 'invalid_client' ? 401 : 400;
  }
}

/** One answer for every client-authentication failure (unknown, disabled, wrong secret or key). */
export function invalidClient(reason: string): OAuthError {
  return new OAuthError('invalid_client', 'Client authentication failed.', reason);
}
