import { constants, createDecipheriv, diffieHellman, privateDecrypt, type KeyObject } from 'node:crypto';
import { AES_KW_IV, CEK_BYTES, WRAPPED_CEK_BYTES } from './algorithms.js';
import { concatKdf256 } from './concat-kdf.js';
import type { CheckedJweHeader } from './jwe-header.js';

/**
 * The content-encryption key, or null when the encrypted key does not unwrap. The caller must
 * treat null exactly like a tag failure (RFC 7516 §11.5): no oracle between the two.
 */
export function unwrapCek(header: CheckedJweHeader, encryptedKey: Buffer, privateKey: KeyObject): Buffer | null {
  return header.alg === 'ECDH-ES+A256KW'
    ? unwrapEcdhEs(header, encryptedKey, privateKey)
    : unwrapRsaOaep256(encryptedKey, privateKey);
}

/** ECDH-ES+A256KW (RFC 7518 §4.6): Z from our key and the epk, the Concat KDF, then AES-256 key unwrap. */
function unwrapEcdhEs(header: CheckedJweHeader, encryptedKey: Buffer, privateKey: KeyObject): Buffer | null {
  if (header.epk === undefined || encryptedKey.length !== WRAPPED_CEK_BYTES) return null;
  const z = diffieHellman({ privateKey, publicKey: header.epk });
  const kek = concatKdf256(z, header.alg, header.apu, header.apv);
  try {
    const decipher = createDecipheriv('id-aes256-wrap', kek, AES_KW_IV);
    const cek = Buffer.concat([decipher.update(encryptedKey), decipher.final()]);
    return cek.length === CEK_BYTES ? cek : null;
  } catch {
    return null;
  }
}

/** RSA-OAEP-256 (RFC 7518 §4.3): OAEP with SHA-256 and MGF1-SHA-256. */
function unwrapRsaOaep256(encryptedKey: Buffer, privateKey: KeyObject): Buffer | null {
  try {
    const cek = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      encryptedKey,
    );
    return cek.length === CEK_BYTES ? cek : null;
  } catch {
    return null;
  }
}
