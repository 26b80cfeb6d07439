import { InvalidTokenError } from '../errors.js';
import type { KeySource, VerificationKey } from '../types.js';

/** What a JWS header must say (alg allow-list, typ). */
export interface HeaderRules {
  readonly algorithms: ReadonlySet<string>;
  readonly keys: KeySource;
  /** Expected typ, lower case without "application/"; null skips the check (tests only). */
  readonly typ: string | null;
  /** false lets a header without kid use the key stored under '' (tests only). */
  readonly requireKid: boolean;
}

/** Header parameters that would make a token name its own key or key location: never trusted. */
const KEY_REFERENCES = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'] as const;
const MEDIA_PREFIX = 'application/';

/**
 * Checks the protected header and returns the key to verify with. The alg comes from the token
 * only to be compared: the key's own alg must equal it, so a key never verifies under another
 * alg (an ES256 public key is never an HS256 secret).
 */
export function checkHeader(header: Readonly<Record<string, unknown>>, rules: HeaderRules): VerificationKey {
  const alg = header.alg;
  if (typeof alg !== 'string') throw new InvalidTokenError('header_invalid');
  if (!rules.algorithms.has(alg)) throw new InvalidTokenError('alg_not_allowed');
  // We implement no extension, so any crit is one we do not understand (RFC 7515 §4.1.11).
  if (header.crit !== undefined) throw new InvalidTokenError('crit_unsupported');
  if (header.b64 !== undefined) throw new InvalidTokenError('b64_unsupported');
  for (const name of KEY_REFERENCES) {
    if (header[name] !== undefined) throw new InvalidTokenError('header_key_reference');
  }
  if (rules.typ !== null && !typMatches(header.typ, rules.typ)) throw new InvalidTokenError('typ_invalid');
  const kid = header.kid;
  let lookup: string;
  if (typeof kid === 'string' && kid !== '') lookup = kid;
  else if (kid === undefined && !rules.requireKid) lookup = '';
  else throw new InvalidTokenError('header_invalid');
  const key = rules.keys.get(lookup);
  if (key === undefined) throw new InvalidTokenError('unknown_kid');
  if (key.alg !== alg) throw new InvalidTokenError('alg_key_mismatch');
  return key;
}

/** RFC 7515 §4.1.9: media types compare case-insensitively and "application/" may be omitted. */
export function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith(MEDIA_PREFIX) ? lower.slice(MEDIA_PREFIX.length) : lower;
}

function typMatches(typ: unknown, expected: string): boolean {
  if (typeof typ !== 'string') return false;
  return typ === expected || normalizeTyp(typ) === expected;
}
