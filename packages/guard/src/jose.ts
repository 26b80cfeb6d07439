/**
 * @bulwark/guard/jose: the JOSE primitives the verifier is built on, shared with the token
 * service (which signs with them) so that both sides agree on what a key, an alg and a
 * well-formed segment are. Not needed by services that only verify.
 */
export {
  isSigningAlg,
  MIN_HMAC_BYTES,
  MIN_RSA_BITS,
  PUBLIC_KEY_ALGS,
  SIGNING_ALGS,
  type SigningAlg,
} from './jws/algorithms.js';
export { decodeCanonicalBase64url, encodeBase64url, isCanonicalBase64url } from './encoding/base64url.js';
export { InvalidKeyError } from './jwk/invalid-key-error.js';
export { assertKeyFitsAlg, inferAlg, keyMismatch, publicMembers } from './jwk/key-checks.js';
export { parseJsonObject } from './encoding/strict-json.js';
export { jwkThumbprint } from './jwk/thumbprint.js';
export {
  createTokenOpener,
  encryptNestedJwt,
  isKeyManagementAlg,
  jweKeyFrom,
  KEY_MANAGEMENT_ALGS,
  type DecryptionOptions,
  type JweKey,
  type JweKeyInput,
  type KeyManagementAlg,
  type TokenOpener,
} from './jwe/index.js';
