import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  randomBytes,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import {
  decodeCanonicalBase64url,
  inferAlg,
  InvalidKeyError,
  isSigningAlg,
  jwkThumbprint,
  MIN_HMAC_BYTES,
  MIN_RSA_BITS,
  parseJsonObject,
  publicMembers,
  type SigningAlg,
} from '@bulwark/guard/jose';

/** A private signing key bound to one algorithm. kid = RFC 7638 thumbprint of its public JWK. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlg;
  /** The private key, or for HS256 the secret. */
  readonly privateKey: KeyObject;
  /** null for HS256: a shared secret has no public half. */
  readonly publicKey: KeyObject | null;
  /** kty + crv/x/y or n/e, plus kid, alg and use "sig"; never a private member. null for HS256. */
  readonly publicJwk: Readonly<Record<string, unknown>> | null;
}

export interface GenerateOptions {
  /** RSA only; at least 2048. */
  modulusLength?: number;
}

const DEFAULT_RSA_BITS = 2048;
const MAX_KEY_TEXT = 64 * 1024;
const PUBLIC_PEM = /^-----BEGIN (?:[A-Z0-9]+ )*(?:PUBLIC KEY|CERTIFICATE)-----/;

export function generateSigningKey(alg: SigningAlg, options: GenerateOptions = {}): SigningKey {
  switch (alg) {
    case 'HS256':
      return signingKeyFromHmacSecret(randomBytes(MIN_HMAC_BYTES));
    case 'ES256':
      return fromPrivateKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, alg);
    case 'EdDSA':
      return fromPrivateKey(generateKeyPairSync('ed25519').privateKey, alg);
    case 'RS256':
    case 'PS256': {
      const modulusLength = options.modulusLength ?? DEFAULT_RSA_BITS;
      if (!Number.isInteger(modulusLength) || modulusLength < MIN_RSA_BITS) {
        throw new InvalidKeyError(`RSA keys must be at least ${MIN_RSA_BITS} bits`);
      }
      return fromPrivateKey(generateKeyPairSync('rsa', { modulusLength }).privateKey, alg);
    }
  }
}

/** An HS256 key from a shared secret of at least 32 bytes (the secret is copied). */
export function signingKeyFromHmacSecret(secret: Uint8Array): SigningKey {
  if (secret.length < MIN_HMAC_BYTES) {
    throw new InvalidKeyError(`HS256 secrets must be at least ${MIN_HMAC_BYTES} bytes`);
  }
  const bytes = Buffer.from(secret);
  const kid = jwkThumbprint({ kty: 'oct', k: bytes.toString('base64url') });
  return { kid, alg: 'HS256', privateKey: createSecretKey(bytes), publicKey: null, publicJwk: null };
}

/**
 * A private key from PEM (PKCS#8, SEC1 EC or PKCS#1 RSA; unencrypted) or private JWK JSON text.
 * The algorithm follows from the key (P-256 -> ES256, Ed25519 -> EdDSA, RSA -> RS256) unless
 * `alg` is given, which the key must then fit (PS256 is the only reason to pass it for RSA).
 */
export function importSigningKey(text: string, alg?: SigningAlg): SigningKey {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const jwk = parseJsonObject(Buffer.from(trimmed, 'utf8'), MAX_KEY_TEXT);
    if (jwk === null) throw new InvalidKeyError('the key is not a valid JSON Web Key object');
    return signingKeyFromPrivateJwk(jwk, alg);
  }
  if (!trimmed.startsWith('-----BEGIN ')) {
    throw new InvalidKeyError('the key is neither PEM nor a JSON Web Key');
  }
  if (PUBLIC_PEM.test(trimmed)) {
    throw new InvalidKeyError('a public key or certificate cannot sign: provide the private key');
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: trimmed, format: 'pem' });
  } catch (cause) {
    throw new InvalidKeyError('unreadable PEM private key (PKCS#8, SEC1 or PKCS#1, unencrypted)', {
      cause,
    });
  }
  return fromPrivateKey(privateKey, alg);
}

/**
 * The inverse of exportPrivateJwk; also accepts private JWKs made elsewhere. A "kid" in the JWK
 * is ignored: the kid is always the thumbprint, so it cannot disagree with the key material.
 */
export function signingKeyFromPrivateJwk(jwk: Readonly<Record<string, unknown>>, alg?: SigningAlg): SigningKey {
  const declared = jwk.alg;
  if (declared !== undefined && !isSigningAlg(declared)) {
    throw new InvalidKeyError('the JWK "alg" is not a supported signing algorithm');
  }
  if (alg !== undefined && declared !== undefined && declared !== alg) {
    throw new InvalidKeyError(`the JWK is for ${declared}, not ${alg}`);
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') {
    throw new InvalidKeyError('the JWK is not a signing key ("use" is not "sig")');
  }
  const wanted = alg ?? declared;
  if (jwk.kty === 'oct') {
    if (wanted !== undefined && wanted !== 'HS256') {
      throw new InvalidKeyError(`a secret (oct) JWK cannot be used for ${wanted}`);
    }
    const secret = typeof jwk.k === 'string' ? decodeCanonicalBase64url(jwk.k) : null;
    if (secret === null) throw new InvalidKeyError('the oct JWK has no valid "k"');
    return signingKeyFromHmacSecret(secret);
  }
  if (typeof jwk.d !== 'string') {
    throw new InvalidKeyError('the JWK has no private part ("d"): a public key cannot sign');
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch (cause) {
    throw new InvalidKeyError('unreadable private JWK', { cause });
  }
  return fromPrivateKey(privateKey, wanted);
}

/** The private key as a JWK with kid and alg (for encrypted storage). Handle as a secret. */
export function exportPrivateJwk(key: SigningKey): Record<string, unknown> {
  const jwk = key.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { ...jwk, kid: key.kid, alg: key.alg, use: 'sig' };
}

function fromPrivateKey(privateKey: KeyObject, alg: SigningAlg | undefined): SigningKey {
  if (privateKey.type !== 'private') throw new InvalidKeyError('a private key is required');
  const resolved = inferAlg(privateKey, alg);
  const publicKey = createPublicKey(privateKey);
  const members = publicMembers(publicKey.export({ format: 'jwk' }) as Record<string, unknown>);
  const kid = jwkThumbprint(members);
  const publicJwk = Object.freeze({ ...members, kid, alg: resolved, use: 'sig' });
  return { kid, alg: resolved, privateKey, publicKey, publicJwk };
}
