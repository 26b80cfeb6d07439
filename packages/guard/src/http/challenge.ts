import { InsufficientScopeError, InvalidTokenError } from '../errors.js';
import { InsufficientUserAuthenticationError } from '../authorize/step-up.js';
import { dpopChallenge } from '../dpop/challenge.js';

/** The bare RFC 6750 challenge every Bearer refusal starts with. */
export const BEARER_REALM = 'Bearer realm="bulwark"';

/**
 * The WWW-Authenticate of an error answer: the one composition every adapter (Fastify through the
 * app's error mapper, node:http/Express, Hono) uses. `status` and `code` are the answer's; `error`
 * is what was thrown, for the details only it knows. RFC 6750 §3:
 * - a request without any bearer credential (no Authorization, or another scheme) gets the bare
 *   challenge, no error code: the client may not have known the resource needs a token;
 * - a refused token: error="invalid_token" (an expired one with an error_description);
 * - 403 forbidden: error="insufficient_scope", with scope="…" (the route's required scopes) when
 *   a scope was missing;
 * - a valid token whose login is too weak or too old for the route (RFC 9470):
 *   error="insufficient_user_authentication" with max_age;
 * - any other 401 (login's invalid_credentials, refresh's invalid_grant): the bare challenge,
 *   since every 401 carries one (RFC 9110 §15.5.2).
 */
export function bearerChallenge(status: number, code: string, error?: unknown): string | undefined {
  // A refusal under the DPoP scheme (RFC 9449 §7.1) is challenged in that scheme.
  const dpop = dpopChallenge(status, code, error);
  if (dpop !== undefined) return dpop;
  if (status === 401) {
    if (error instanceof InvalidTokenError && error.reason === 'missing') return BEARER_REALM;
    if (code === 'token_expired')
      return `${BEARER_REALM}, error="invalid_token", error_description="The access token expired"`;
    if (code === 'invalid_token') return `${BEARER_REALM}, error="invalid_token"`;
    // RFC 9470 §3: what would satisfy the route (max_age); the description is fixed text.
    if (error instanceof InsufficientUserAuthenticationError)
      return `${BEARER_REALM}, error="insufficient_user_authentication", error_description="${error.description}", max_age=${error.maxAgeSeconds}`;
    return BEARER_REALM;
  }
  if (status === 403 && code === 'forbidden') {
    // The scope names were checked at set-up to be RFC 6749 scope-tokens (no quote, no backslash).
    if (error instanceof InsufficientScopeError)
      return `${BEARER_REALM}, error="insufficient_scope", scope="${error.scope}"`;
    return `${BEARER_REALM}, error="insufficient_scope"`;
  }
  return undefined;
}
