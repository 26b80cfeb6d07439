import { isCanonicalBase64url } from '../encoding/base64url.js';
import { parseJsonObject } from '../encoding/strict-json.js';
import { checkHeader, type HeaderRules } from './check-header.js';
import { InvalidTokenError } from '../errors.js';
import type { VerificationKey } from '../types.js';
import { verifySignature } from './verify-signature.js';

/** The JWS layer's rules. Internal: the public verifier always requires typ and kid. */
export interface JwsRules extends HeaderRules {
  readonly maxTokenLength: number;
  /** RFC 7515 allows an empty payload; a JWT never has one. */
  readonly allowEmptyPayload: boolean;
  /** Header segments that already passed checkHeader under these rules (see HeaderCache). */
  readonly headerCache?: HeaderCache | undefined;
}

/** A compact JWS whose header and signature verified, and where its payload is. */
export interface VerifiedJws {
  readonly header: Readonly<Record<string, unknown>>;
  readonly key: VerificationKey;
  /** The payload segment is token[payloadStart, payloadEnd), known to be canonical base64url. */
  readonly payloadStart: number;
  readonly payloadEnd: number;
}

interface CheckedHeader {
  readonly header: Readonly<Record<string, unknown>>;
  readonly alg: string;
  readonly kid: string;
}

const HEADER_CACHE_SIZE = 64;

/**
 * A service sees few distinct headers (one per signing key), so the decoded, checked header is
 * remembered by its exact segment text. Only the key lookup is repeated on a hit (keys come and
 * go). Bounded: when full it starts over, so junk headers cannot grow it.
 */
export class HeaderCache {
  readonly #entries = new Map<string, CheckedHeader>();
  // The header seen last: one startsWith (a memory compare) instead of hashing the segment.
  #lastSegment = '';
  #last: CheckedHeader | undefined;

  /** The entry for token[0, dot), the token's header segment. */
  get(token: string, dot: number): CheckedHeader | undefined {
    const last = this.#last;
    if (last !== undefined && dot === this.#lastSegment.length && token.startsWith(this.#lastSegment)) return last;
    const entry = this.#entries.get(token.slice(0, dot));
    if (entry !== undefined) this.#remember(token.slice(0, dot), entry);
    return entry;
  }

  set(segment: string, entry: CheckedHeader): void {
    if (this.#entries.size >= HEADER_CACHE_SIZE) this.#entries.clear();
    this.#entries.set(segment, entry);
    this.#remember(segment, entry);
  }

  #remember(segment: string, entry: CheckedHeader): void {
    this.#lastSegment = segment;
    this.#last = entry;
  }
}

/**
 * Compact JWS verification without any JWT claim: three segments of canonical base64url, a
 * strict-JSON protected header that passes checkHeader, and a valid signature. The header is
 * decoded and checked before any signature work; the payload is not parsed here.
 */
export function verifyCompactJws(token: unknown, rules: JwsRules): VerifiedJws {
  if (typeof token !== 'string')
    throw new InvalidTokenError(token === undefined || token === null ? 'missing' : 'malformed');
  const length = token.length;
  if (length === 0) throw new InvalidTokenError('missing');
  if (length > rules.maxTokenLength) throw new InvalidTokenError('too_long');
  const dot1 = token.indexOf('.');
  const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
  if (dot1 <= 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0)
    throw new InvalidTokenError(isFiveSegments(token, dot2) ? 'jwe_unexpected' : 'malformed');
  if (dot2 === dot1 + 1 && !rules.allowEmptyPayload) throw new InvalidTokenError('malformed');

  const { header, key } = headerAndKey(token, dot1, rules);
  if (!isCanonicalBase64url(token, dot1 + 1, dot2) || !isCanonicalBase64url(token, dot2 + 1, length)) {
    throw new InvalidTokenError('malformed');
  }
  if (dot2 + 1 === length) throw new InvalidTokenError('signature_invalid');
  const signature = Buffer.from(token.slice(dot2 + 1), 'base64url');
  if (!verifySignature(key, token, dot2, signature)) throw new InvalidTokenError('signature_invalid');
  return { header, key, payloadStart: dot1 + 1, payloadEnd: dot2 };
}

/** Only on the refusal path: a compact JWE (five segments) gets its own reason. */
function isFiveSegments(token: string, dot2: number): boolean {
  const dot3 = dot2 < 0 ? -1 : token.indexOf('.', dot2 + 1);
  const dot4 = dot3 < 0 ? -1 : token.indexOf('.', dot3 + 1);
  return dot4 >= 0 && token.indexOf('.', dot4 + 1) < 0;
}

function headerAndKey(
  token: string,
  dot: number,
  rules: JwsRules,
): { header: Readonly<Record<string, unknown>>; key: VerificationKey } {
  const cache = rules.headerCache;
  const hit = cache?.get(token, dot);
  if (hit !== undefined) {
    const key = rules.keys.get(hit.kid);
    if (key === undefined) throw new InvalidTokenError('unknown_kid');
    if (key.alg !== hit.alg) throw new InvalidTokenError('alg_key_mismatch');
    return { header: hit.header, key };
  }
  const segment = token.slice(0, dot);
  if (!isCanonicalBase64url(segment)) throw new InvalidTokenError('malformed');
  const header = parseJsonObject(Buffer.from(segment, 'base64url'));
  if (header === null) throw new InvalidTokenError('header_invalid');
  const key = checkHeader(header, rules);
  cache?.set(segment, {
    header: Object.freeze(header),
    alg: key.alg,
    kid: typeof header.kid === 'string' ? header.kid : '',
  });
  return { header, key };
}
