import { InvalidTokenError } from './errors.js';

/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1; scheme case-insensitive,
 * exactly one credential). No header or another scheme: `missing` (there is no bearer token to
 * judge); a Bearer header without exactly one credential: `malformed`.
 */
export function extractBearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization === '') throw new InvalidTokenError('missing');
  const space = authorization.indexOf(' ');
  const scheme = space < 0 ? authorization : authorization.slice(0, space);
  if (scheme.length !== 6 || scheme.toLowerCase() !== 'bearer') throw new InvalidTokenError('missing');
  const token = space < 0 ? '' : authorization.slice(space + 1);
  if (token === '' || token.includes(' ')) throw new InvalidTokenError('malformed');
  return token;
}
