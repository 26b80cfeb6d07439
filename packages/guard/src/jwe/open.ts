import { InvalidKeyError } from '../jwk/invalid-key-error.js';
import { InvalidTokenError } from '../errors.js';
import type { KeyManagementAlg } from './algorithms.js';
import { decryptCompactJwe, type JweRules } from './decrypt.js';
import { jweKeyFrom, type JweKeyInput } from './jwe-key.js';

/** The verifier's `decryption` option: access tokens are nested JWTs, signed then encrypted to this key. */
export interface DecryptionOptions {
  /** The private key: a KeyObject, a PEM, or a private JWK. */
  key: JweKeyInput;
  /** Inferred from the key (EC P-256: ECDH-ES+A256KW, RSA: RSA-OAEP-256); when given it must fit. */
  alg?: KeyManagementAlg | undefined;
}

/** Compact JWE in, the nested compact JWS (still to be verified) out; throws InvalidTokenError. */
export type TokenOpener = (token: unknown) => string;

/**
 * The verifier's first step when tokens are encrypted, built (and its key checked) once. A plain
 * JWS is refused `jwe_required`: once a deployment encrypts, an unencrypted token is someone
 * else's or a forgery. The plaintext must itself be a compact JWS (checked by the JWS layer next).
 */
export function createTokenOpener(decryption: DecryptionOptions, typ: string, maxTokenLength: number): TokenOpener {
  if (typeof decryption !== 'object' || decryption === null)
    throw new TypeError('verifier: decryption must be { key, alg? }');
  let rules: JweRules;
  try {
    const key = jweKeyFrom(decryption.key, decryption.alg);
    rules = { alg: key.alg, kids: key.kids, typ, requireCty: true, privateKey: key.privateKey };
  } catch (error) {
    if (error instanceof InvalidKeyError)
      throw new TypeError(`verifier: decryption.key: ${error.message}`, { cause: error });
    throw error;
  }
  return (token) => {
    if (typeof token !== 'string')
      throw new InvalidTokenError(token === undefined || token === null ? 'missing' : 'malformed');
    if (token.length === 0) throw new InvalidTokenError('missing');
    if (token.length > maxTokenLength) throw new InvalidTokenError('too_long');
    if (dotCount(token) === 2) throw new InvalidTokenError('jwe_required');
    return decryptCompactJwe(token, rules).toString('latin1');
  };
}

function dotCount(token: string): number {
  let n = 0;
  for (let i = token.indexOf('.'); i >= 0 && n < 5; i = token.indexOf('.', i + 1)) n++;
  return n;
}
