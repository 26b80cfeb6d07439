import { isCanonicalBase64url } from '../encoding/base64url.js';
import { parseJsonObject } from '../encoding/strict-json.js';
import { InvalidTokenError } from '../errors.js';

/** The five parts of a compact JWE (RFC 7516 §7.1), decoded; the header segment kept as text for the AAD. */
export interface CompactJwe {
  readonly header: Readonly<Record<string, unknown>>;
  /** ASCII(BASE64URL(UTF8(JWE Protected Header))): the AAD of the content encryption (§5.1 step 14). */
  readonly protectedSegment: string;
  readonly encryptedKey: Buffer;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

/**
 * Strict compact JWE parsing: exactly five segments, each canonical base64url, none empty but the
 * encrypted key (empty for dir and ECDH-ES, which the header check then refuses by alg), the
 * header a strict-JSON object (no duplicate names). The caller has checked type and length.
 */
export function parseCompactJwe(token: string): CompactJwe {
  const dots: number[] = [];
  for (let i = token.indexOf('.'); i >= 0; i = token.indexOf('.', i + 1)) {
    dots.push(i);
    if (dots.length > 4) throw new InvalidTokenError('malformed');
  }
  if (dots.length !== 4) throw new InvalidTokenError('malformed');
  const bounds = [-1, ...dots, token.length];
  for (let i = 0; i < 5; i++) {
    const start = (bounds[i] as number) + 1;
    const end = bounds[i + 1] as number;
    if ((start === end && i !== 1) || !isCanonicalBase64url(token, start, end))
      throw new InvalidTokenError('malformed');
  }
  const segment = (i: number) => token.slice((bounds[i] as number) + 1, bounds[i + 1] as number);
  const protectedSegment = segment(0);
  const header = parseJsonObject(Buffer.from(protectedSegment, 'base64url'));
  if (header === null) throw new InvalidTokenError('header_invalid');
  return {
    header,
    protectedSegment,
    encryptedKey: Buffer.from(segment(1), 'base64url'),
    iv: Buffer.from(segment(2), 'base64url'),
    ciphertext: Buffer.from(segment(3), 'base64url'),
    tag: Buffer.from(segment(4), 'base64url'),
  };
}
