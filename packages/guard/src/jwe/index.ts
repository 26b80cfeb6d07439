/** Encrypted access tokens (nested JWTs, RFC 7516): the guard decrypts, the token service encrypts. */
export { CONTENT_ENCRYPTION, isKeyManagementAlg, KEY_MANAGEMENT_ALGS, type KeyManagementAlg } from './algorithms.js';
export { decryptCompactJwe, type JweRules } from './decrypt.js';
export { encryptNestedJwt } from './encrypt.js';
export { jweKeyFrom, type JweKey, type JweKeyInput } from './jwe-key.js';
export { createTokenOpener, type DecryptionOptions, type TokenOpener } from './open.js';
