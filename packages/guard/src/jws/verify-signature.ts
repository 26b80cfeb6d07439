import {
  constants,
  createHmac,
  timingSafeEqual,
  verify,
  type KeyObject,
  type VerifyKeyObjectInput,
  type VerifyPublicKeyInput,
} from 'node:crypto';
import type { VerificationKey } from '../types.js';

interface Prepared {
  /** The only signature length this key can produce. */
  readonly length: number;
  readonly hash: 'sha256' | null;
  readonly input: KeyObject | VerifyKeyObjectInput | VerifyPublicKeyInput;
}

// Per-key constants, computed once per KeyObject rather than on every verification.
const prepared = new WeakMap<KeyObject, Prepared>();

function prepare(key: VerificationKey): Prepared {
  const k = key.key;
  switch (key.alg) {
    case 'HS256':
      return { length: 32, hash: 'sha256', input: k };
    case 'ES256':
      return { length: 64, hash: 'sha256', input: { key: k, dsaEncoding: 'ieee-p1363' } };
    case 'EdDSA':
      return { length: 64, hash: null, input: k };
    case 'RS256':
      return { length: modulusBytes(k), hash: 'sha256', input: k };
    case 'PS256':
      return {
        length: modulusBytes(k),
        hash: 'sha256',
        input: { key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      };
  }
}

function modulusBytes(key: KeyObject): number {
  return Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
}

/**
 * Verifies the JWS signature over token[0, signingInputEnd) (the ASCII "header.payload").
 * ES256 signatures must be raw r||s (64 bytes; DER is refused), EdDSA 64 bytes, RSA exactly the
 * modulus length; HMACs compare in constant time.
 */
export function verifySignature(
  key: VerificationKey,
  token: string,
  signingInputEnd: number,
  signature: Buffer,
): boolean {
  let p = prepared.get(key.key);
  if (p === undefined) {
    p = prepare(key);
    prepared.set(key.key, p);
  }
  if (signature.length !== p.length) return false;
  try {
    if (key.alg === 'HS256') {
      const mac = createHmac('sha256', key.key).update(token.slice(0, signingInputEnd), 'latin1').digest();
      return timingSafeEqual(mac, signature);
    }
    return verify(p.hash, Buffer.from(token.slice(0, signingInputEnd), 'latin1'), p.input, signature);
  } catch {
    return false;
  }
}
