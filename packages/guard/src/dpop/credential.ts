import { extractBearerToken } from '../http/bearer.js';
import { InvalidTokenError } from '../errors.js';

/** The access token of a request and the scheme it came under. */
export interface AccessCredential {
  readonly scheme: 'Bearer' | 'DPoP';
  readonly token: string;
}

/** token68 (RFC 9110 §11.2), the syntax of a JWT (and a JWE) credential. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The access token of `Authorization: Bearer <token>` (extractBearerToken's rules) or
 * `Authorization: DPoP <token>` (RFC 9449 §7.1; scheme case-insensitive, one token68).
 */
export function extractCredential(authorization: string | undefined, rawHeaders?: readonly string[]): AccessCredential {
  if (
    authorization !== undefined &&
    authorization.length >= 4 &&
    authorization.slice(0, 4).toLowerCase() === 'dpop' &&
    !TCHAR.test(authorization.charAt(4))
  ) {
    // As for Bearer: two Authorization headers are two credentials, never judged by the first.
    if (rawHeaders !== undefined && authorizationHeaders(rawHeaders) > 1) throw new InvalidTokenError('malformed');
    const token = authorization.slice(5);
    if (authorization.charAt(4) !== ' ' || !TOKEN68.test(token)) throw new InvalidTokenError('malformed');
    return { scheme: 'DPoP', token };
  }
  return { scheme: 'Bearer', token: extractBearerToken(authorization, rawHeaders) };
}

/** RFC 9110 §5.6.2 tchar: a scheme token ends at the first character that is not one. */
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;

function authorizationHeaders(rawHeaders: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if ((rawHeaders[i] as string).toLowerCase() === 'authorization') n++;
  return n;
}
