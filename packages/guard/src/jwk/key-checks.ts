import type { KeyObject } from 'node:crypto';
import { MIN_HMAC_BYTES, MIN_RSA_BITS, type SigningAlg } from '../jws/algorithms.js';
import { InvalidKeyError } from './invalid-key-error.js';

/** Why a KeyObject cannot serve `alg`, or null when it can. Works for public and private keys. */
export function keyMismatch(key: KeyObject, alg: SigningAlg): string | null {
  if (alg === 'HS256') {
    if (key.type !== 'secret') return 'HS256 needs a secret key';
    const size = key.symmetricKeySize ?? 0;
    return size < MIN_HMAC_BYTES ? `HS256 secrets must be at least ${MIN_HMAC_BYTES} bytes` : null;
  }
  if (key.type === 'secret') return `${alg} needs an asymmetric key, not a secret`;
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  switch (alg) {
    case 'ES256':
      if (type !== 'ec') return `ES256 needs an EC key, not ${String(type)}`;
      return details?.namedCurve === 'prime256v1' ? null : 'ES256 needs the P-256 curve';
    case 'EdDSA':
      return type === 'ed25519' ? null : `EdDSA needs an Ed25519 key, not ${String(type)}`;
    case 'RS256':
    case 'PS256': {
      if (type !== 'rsa') return `${alg} needs an RSA key, not ${String(type)}`;
      const bits = details?.modulusLength ?? 0;
      return bits < MIN_RSA_BITS ? `RSA keys must be at least ${MIN_RSA_BITS} bits (got ${bits})` : null;
    }
  }
}

/** Throws InvalidKeyError unless `key` is of the type and size `alg` needs. */
export function assertKeyFitsAlg(key: KeyObject, alg: SigningAlg): void {
  const problem = keyMismatch(key, alg);
  if (problem !== null) throw new InvalidKeyError(`key does not fit ${alg}: ${problem}`);
}

/** The algorithm a key implies: RSA keys are RS256 unless PS256 is asked for. */
export function inferAlg(key: KeyObject, requested?: SigningAlg): SigningAlg {
  if (requested !== undefined) {
    assertKeyFitsAlg(key, requested);
    return requested;
  }
  if (key.type === 'secret') return 'HS256';
  switch (key.asymmetricKeyType) {
    case 'ec':
      assertKeyFitsAlg(key, 'ES256');
      return 'ES256';
    case 'ed25519':
      return 'EdDSA';
    case 'rsa':
      assertKeyFitsAlg(key, 'RS256');
      return 'RS256';
    default:
      throw new InvalidKeyError(`unsupported key type ${String(key.asymmetricKeyType)}`);
  }
}

/** Only the public members RFC 7638 and verifiers need, whatever the source JWK carried. */
export function publicMembers(jwk: Readonly<Record<string, unknown>>): Record<string, unknown> {
  switch (jwk.kty) {
    case 'EC':
      return { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
    case 'OKP':
      return { kty: 'OKP', crv: jwk.crv, x: jwk.x };
    case 'RSA':
      return { kty: 'RSA', n: jwk.n, e: jwk.e };
    default:
      throw new InvalidKeyError('no public JWK form for this key type');
  }
}
