import { createPrivateKey, createPublicKey, KeyObject, type JsonWebKey } from 'node:crypto';
import { MIN_RSA_BITS } from '../jws/algorithms.js';
import { InvalidKeyError } from '../jwk/invalid-key-error.js';
import { jwkThumbprint } from '../jwk/thumbprint.js';
import { isKeyManagementAlg, KEY_MANAGEMENT_ALGS, type KeyManagementAlg } from './algorithms.js';

/** A private key as a KeyObject, a PEM (PKCS#8, SEC1 or PKCS#1) or a private JWK. */
export type JweKeyInput = KeyObject | string | Buffer | Readonly<Record<string, unknown>>;

/** A checked token-encryption key pair, bound to exactly one key-management alg. */
export interface JweKey {
  readonly alg: KeyManagementAlg;
  /** The RFC 7638 thumbprint of the public key: the "kid" Bulwark writes in the JWE header. */
  readonly kid: string;
  /** kids a JWE header may name: the thumbprint, and the JWK's own "kid" when it had one. */
  readonly kids: ReadonlySet<string>;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/**
 * The decryption key from what a service was configured with. The alg follows from the key (EC
 * P-256: ECDH-ES+A256KW; RSA of at least 2048 bits: RSA-OAEP-256); a given alg must fit it.
 * Refused with InvalidKeyError (the message never holds key material): a public key or secret,
 * another curve or key type, a small RSA key, a JWK whose "use" is not "enc" or whose "alg" differs.
 */
export function jweKeyFrom(input: JweKeyInput, alg?: KeyManagementAlg): JweKey {
  if (alg !== undefined && !isKeyManagementAlg(alg)) {
    throw new InvalidKeyError(`token encryption supports ${KEY_MANAGEMENT_ALGS.join(' and ')} only`);
  }
  const { privateKey, jwkKid } = privateKeyFrom(input, alg);
  const inferred = algOf(privateKey);
  if (alg !== undefined && alg !== inferred) throw new InvalidKeyError(`the key fits ${inferred}, not ${alg}`);
  const publicKey = createPublicKey(privateKey);
  const kid = jwkThumbprint(publicKey.export({ format: 'jwk' }) as Record<string, unknown>);
  const kids = new Set([kid]);
  if (jwkKid !== undefined) kids.add(jwkKid);
  return Object.freeze({ alg: inferred, kid, kids, privateKey, publicKey });
}

function privateKeyFrom(
  input: JweKeyInput,
  alg: KeyManagementAlg | undefined,
): { privateKey: KeyObject; jwkKid?: string } {
  if (input instanceof KeyObject) {
    if (input.type !== 'private') throw new InvalidKeyError('token decryption needs a private key');
    return { privateKey: input };
  }
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    const text = input.toString();
    if (!text.includes('PRIVATE KEY-----'))
      throw new InvalidKeyError('token decryption needs a private key (PEM "… PRIVATE KEY")');
    try {
      return { privateKey: createPrivateKey({ key: text, format: 'pem' }) };
    } catch (cause) {
      throw new InvalidKeyError('unreadable private key PEM', { cause });
    }
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new InvalidKeyError('a key must be a KeyObject, a PEM or a JWK');
  return privateKeyFromJwk(input, alg);
}

function privateKeyFromJwk(
  jwk: Readonly<Record<string, unknown>>,
  alg: KeyManagementAlg | undefined,
): { privateKey: KeyObject; jwkKid?: string } {
  if (jwk.use !== undefined && jwk.use !== 'enc') throw new InvalidKeyError('the JWK is not for encryption ("use")');
  if (jwk.alg !== undefined && (!isKeyManagementAlg(jwk.alg) || (alg !== undefined && jwk.alg !== alg))) {
    throw new InvalidKeyError(`the JWK is for another algorithm (${String(jwk.alg)})`);
  }
  if (typeof jwk.d !== 'string') throw new InvalidKeyError('token decryption needs a private JWK (with "d")');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch (cause) {
    throw new InvalidKeyError('unreadable private JWK', { cause });
  }
  if (jwk.alg !== undefined && algOf(privateKey) !== jwk.alg)
    throw new InvalidKeyError(`the JWK says ${String(jwk.alg)} but its key does not fit it`);
  return typeof jwk.kid === 'string' && jwk.kid !== '' ? { privateKey, jwkKid: jwk.kid } : { privateKey };
}

function algOf(key: KeyObject): KeyManagementAlg {
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
      throw new InvalidKeyError('EC token-encryption keys must be on P-256');
    return 'ECDH-ES+A256KW';
  }
  if (type === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) throw new InvalidKeyError(`RSA keys must be at least ${MIN_RSA_BITS} bits (got ${bits})`);
    return 'RSA-OAEP-256';
  }
  throw new InvalidKeyError(`token encryption needs an EC P-256 or RSA key, not ${String(type)}`);
}
