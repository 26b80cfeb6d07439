import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { decodeCanonicalBase64url } from '../encoding/base64url.js';
import { normalizeTyp } from '../jws/check-header.js';
import { InvalidTokenError } from '../errors.js';
import { CONTENT_ENCRYPTION, type KeyManagementAlg } from './algorithms.js';

/** What a JWE protected header must say. */
export interface JweHeaderRules {
  /** The configured key's alg: the only one accepted. */
  readonly alg: KeyManagementAlg;
  /** kids the header may name (it may also name none). */
  readonly kids: ReadonlySet<string>;
  /** An outer typ, when present, must be this (normalized); null skips the check (vectors only). */
  readonly typ: string | null;
  /** cty must say "JWT" (a nested JWT, RFC 7519 §5.2); false for raw vectors only. */
  readonly requireCty: boolean;
}

/** A JWE protected header that passed the rules. */
export interface CheckedJweHeader {
  readonly alg: KeyManagementAlg;
  /** ECDH-ES only: the sender's ephemeral public key, known to be a P-256 point on the curve. */
  readonly epk: KeyObject | undefined;
  readonly apu: Buffer;
  readonly apv: Buffer;
}

/** Header members that would make a token name its own key or key location: never trusted. */
const KEY_REFERENCES = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'] as const;
const EMPTY = Buffer.alloc(0);
const P256_COORDINATE_BYTES = 32;

/**
 * The JWE protected header's checks, before any key work: alg exactly the configured one (so
 * RSA1_5, PBES2*, dir, A*KW… are all alg_not_allowed), enc A256GCM only, no zip, no crit, no key
 * references, cty "JWT", a known kid if any, and for ECDH-ES a well-formed on-curve P-256 epk.
 */
export function checkJweHeader(header: Readonly<Record<string, unknown>>, rules: JweHeaderRules): CheckedJweHeader {
  const { alg, enc } = header;
  if (typeof alg !== 'string' || typeof enc !== 'string') throw new InvalidTokenError('header_invalid');
  if (alg !== rules.alg) throw new InvalidTokenError('alg_not_allowed');
  if (enc !== CONTENT_ENCRYPTION) throw new InvalidTokenError('enc_not_allowed');
  if (header.zip !== undefined) throw new InvalidTokenError('zip_unsupported');
  if (header.crit !== undefined) throw new InvalidTokenError('crit_unsupported');
  for (const name of KEY_REFERENCES) {
    if (header[name] !== undefined) throw new InvalidTokenError('header_key_reference');
  }
  if (rules.requireCty && !(typeof header.cty === 'string' && normalizeTyp(header.cty) === 'jwt'))
    throw new InvalidTokenError('cty_invalid');
  if (
    rules.typ !== null &&
    header.typ !== undefined &&
    !(typeof header.typ === 'string' && normalizeTyp(header.typ) === rules.typ)
  ) {
    throw new InvalidTokenError('typ_invalid');
  }
  const kid = header.kid;
  if (kid !== undefined) {
    if (typeof kid !== 'string') throw new InvalidTokenError('header_invalid');
    if (!rules.kids.has(kid)) throw new InvalidTokenError('unknown_kid');
  }
  const apu = partyInfo(header.apu);
  const apv = partyInfo(header.apv);
  const epk = rules.alg === 'ECDH-ES+A256KW' ? ephemeralKey(header.epk) : undefined;
  return { alg: rules.alg, epk, apu, apv };
}

function partyInfo(value: unknown): Buffer {
  if (value === undefined) return EMPTY;
  const bytes = typeof value === 'string' ? decodeCanonicalBase64url(value) : null;
  if (bytes === null) throw new InvalidTokenError('header_invalid');
  return bytes;
}

/**
 * The epk as a KeyObject: a public EC P-256 JWK whose x and y are 32-byte canonical base64url.
 * createPublicKey refuses a point that is not on the curve (an invalid-curve attack would
 * otherwise learn the private key from the shared secrets), and the identity cannot be encoded.
 */
function ephemeralKey(epk: unknown): KeyObject {
  if (typeof epk !== 'object' || epk === null || Array.isArray(epk)) throw new InvalidTokenError('epk_invalid');
  const { kty, crv, x, y, d } = epk as Record<string, unknown>;
  if (kty !== 'EC' || crv !== 'P-256' || d !== undefined) throw new InvalidTokenError('epk_invalid');
  const xBytes = typeof x === 'string' ? decodeCanonicalBase64url(x) : null;
  const yBytes = typeof y === 'string' ? decodeCanonicalBase64url(y) : null;
  if (xBytes?.length !== P256_COORDINATE_BYTES || yBytes?.length !== P256_COORDINATE_BYTES)
    throw new InvalidTokenError('epk_invalid');
  try {
    return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y } as JsonWebKey, format: 'jwk' });
  } catch {
    throw new InvalidTokenError('epk_invalid');
  }
}
