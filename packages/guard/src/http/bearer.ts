import { InvalidTokenError } from '../errors.js';

/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1; scheme case-insensitive,
 * exactly one credential). No header or another scheme: `missing` (there is no bearer token to
 * judge, and RFC 6750 §3 answers it without an error code); a Bearer header without exactly one
 * credential after one space, `Bearer\t…` and `Bearer:…` included (the scheme token ends at the
 * first non-tchar, so these are Bearer): `malformed`.
 * `rawHeaders` (node's IncomingMessage.rawHeaders), when given, must hold one Authorization
 * header only: node keeps the first of several and drops the rest unseen, so a request with two
 * (two credentials, which RFC 6750 §2 forbids) is `malformed` rather than judged by its first.
 */
export function extractBearerToken(authorization: string | undefined, rawHeaders?: readonly string[]): string {
  if (authorization === undefined || authorization === '') throw new InvalidTokenError('missing');
  if (rawHeaders !== undefined && authorizationHeaders(rawHeaders) > 1) throw new InvalidTokenError('malformed');
  const space = authorization.indexOf(' ');
  const scheme = space < 0 ? authorization : authorization.slice(0, space);
  if (scheme.length !== 6 || scheme.toLowerCase() !== 'bearer') {
    throw new InvalidTokenError(isBearerScheme(authorization) ? 'malformed' : 'missing');
  }
  const token = space < 0 ? '' : authorization.slice(space + 1);
  if (token === '' || token.includes(' ')) throw new InvalidTokenError('malformed');
  return token;
}

/** RFC 9110 §5.6.2 tchar: what an auth-scheme is made of. */
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;

/** The header's scheme token (its leading run of tchars) is "Bearer", whatever follows it. */
function isBearerScheme(authorization: string): boolean {
  return (
    authorization.length > 6 &&
    authorization.slice(0, 6).toLowerCase() === 'bearer' &&
    !TCHAR.test(authorization[6] as string)
  );
}

/** How many Authorization headers the request carried (rawHeaders: name, value, name, value…). */
function authorizationHeaders(rawHeaders: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length === 13 && name.toLowerCase() === 'authorization') n++;
  }
  return n;
}
