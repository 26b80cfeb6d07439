import { createPublicKey, createSecretKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { isSigningAlg, type SigningAlg } from '../jws/algorithms.js';
import { decodeCanonicalBase64url } from '../encoding/base64url.js';
import { InvalidKeyError } from './invalid-key-error.js';
import { assertKeyFitsAlg, publicMembers } from './key-checks.js';
import { jwkThumbprint } from './thumbprint.js';
import type { VerificationKey } from '../types.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const EXPECTED_KEY_TYPE: Readonly<Record<Exclude<SigningAlg, 'HS256'>, { kty: string; crv?: string }>> = {
  ES256: { kty: 'EC', crv: 'P-256' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  RS256: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
};

/**
 * A verification key from a public JWK (e.g. one entry of a remote JWKS), bound to `alg`.
 * Refused: a JWK whose own "alg", "use" or "key_ops" says otherwise; a kty/crv that does not fit
 * the alg; private members or oct keys for asymmetric algs; RSA below 2048 bits. HS256 takes an
 * oct JWK whose "k" is at least 32 bytes (a secret shared out of band, never from a JWKS URL).
 * kid: the JWK's own "kid" when it has one, else its RFC 7638 thumbprint.
 */
export function verificationKeyFromJwk(jwk: Readonly<Record<string, unknown>>, alg: SigningAlg): VerificationKey {
  if (!isSigningAlg(alg)) throw new InvalidKeyError('unsupported algorithm');
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
    throw new InvalidKeyError('a JWK must be an object');
  if (jwk.alg !== undefined && jwk.alg !== alg)
    throw new InvalidKeyError(`the JWK is for another algorithm, not ${alg}`);
  if (jwk.use !== undefined && jwk.use !== 'sig') throw new InvalidKeyError('the JWK is not for signatures ("use")');
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) {
    throw new InvalidKeyError('the JWK may not verify ("key_ops")');
  }
  const key = alg === 'HS256' ? secretFromJwk(jwk) : publicKeyFromJwk(jwk, alg);
  assertKeyFitsAlg(key, alg);
  const kid = typeof jwk.kid === 'string' && jwk.kid !== '' ? jwk.kid : jwkThumbprint(jwk);
  return { kid, alg, key };
}

function secretFromJwk(jwk: Readonly<Record<string, unknown>>): KeyObject {
  if (jwk.kty !== 'oct') throw new InvalidKeyError('HS256 needs an oct JWK');
  const secret = typeof jwk.k === 'string' ? decodeCanonicalBase64url(jwk.k) : null;
  if (secret === null) throw new InvalidKeyError('the oct JWK has no valid "k"');
  return createSecretKey(secret);
}

function publicKeyFromJwk(jwk: Readonly<Record<string, unknown>>, alg: Exclude<SigningAlg, 'HS256'>): KeyObject {
  const expected = EXPECTED_KEY_TYPE[alg];
  if (jwk.kty !== expected.kty || (expected.crv !== undefined && jwk.crv !== expected.crv)) {
    throw new InvalidKeyError(
      `${alg} needs a ${expected.kty}${expected.crv === undefined ? '' : ` ${expected.crv}`} JWK`,
    );
  }
  for (const member of PRIVATE_MEMBERS) {
    if (jwk[member] !== undefined) throw new InvalidKeyError('a verification JWK must not carry private members');
  }
  try {
    return createPublicKey({ key: publicMembers(jwk) as JsonWebKey, format: 'jwk' });
  } catch (cause) {
    throw new InvalidKeyError('unreadable public JWK', { cause });
  }
}
