/**
 * The JWE algorithms Bulwark encrypts access tokens with (RFC 7516/7518). Deliberately few: one
 * key-agreement and one key-transport alg, one content encryption. Never RSA1_5 (padding
 * oracles), PBES2 (passwords), dir (a shared secret on every verifier) or compression.
 */
export type KeyManagementAlg = 'ECDH-ES+A256KW' | 'RSA-OAEP-256';

/** Every KeyManagementAlg. */
export const KEY_MANAGEMENT_ALGS: readonly KeyManagementAlg[] = ['ECDH-ES+A256KW', 'RSA-OAEP-256'];

/** True for a supported JWE key management algorithm. */
export function isKeyManagementAlg(value: unknown): value is KeyManagementAlg {
  return typeof value === 'string' && (KEY_MANAGEMENT_ALGS as readonly string[]).includes(value);
}

/** The only content encryption: AES-256-GCM, a 96-bit IV and a 128-bit tag (RFC 7518 §5.3). */
export const CONTENT_ENCRYPTION = 'A256GCM';
/** AES-256-GCM key length. */
export const CEK_BYTES = 32;
/** AES-GCM IV length. */
export const IV_BYTES = 12;
/** AES-GCM tag length. */
export const TAG_BYTES = 16;
/** AES key wrap of a 32-byte CEK: 8 bytes of integrity check value more (RFC 3394). */
export const WRAPPED_CEK_BYTES = CEK_BYTES + 8;
/** RFC 3394 §2.2.3.1 default initial value. */
export const AES_KW_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');
