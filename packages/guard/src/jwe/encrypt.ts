import { constants, createCipheriv, diffieHellman, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import { encodeBase64url } from '../encoding/base64url.js';
import { AES_KW_IV, CEK_BYTES, CONTENT_ENCRYPTION, IV_BYTES, TAG_BYTES } from './algorithms.js';
import { concatKdf256 } from './concat-kdf.js';
import type { JweKey } from './jwe-key.js';

const NO_PARTY_INFO = Buffer.alloc(0);

/**
 * Encrypts a compact JWS into a nested JWT (RFC 7519 §5.2, RFC 7516 compact serialization) to
 * the public half of `key`: header {alg, enc: A256GCM, cty: "JWT", kid, epk (ECDH-ES)}, a fresh
 * CEK and IV per token. The header names no claim and no signing key: what it reveals is the
 * encryption alg and the recipient key's thumbprint.
 */
export function encryptNestedJwt(jws: string, key: Pick<JweKey, 'alg' | 'kid' | 'publicKey'>): string {
  const cek = randomBytes(CEK_BYTES);
  const header: Record<string, unknown> = { alg: key.alg, enc: CONTENT_ENCRYPTION, cty: 'JWT', kid: key.kid };
  let encryptedKey: Buffer;
  if (key.alg === 'ECDH-ES+A256KW') {
    const ephemeral = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { kty, crv, x, y } = ephemeral.publicKey.export({ format: 'jwk' });
    header.epk = { kty, crv, x, y };
    const z = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: key.publicKey });
    const wrap = createCipheriv('id-aes256-wrap', concatKdf256(z, key.alg, NO_PARTY_INFO, NO_PARTY_INFO), AES_KW_IV);
    encryptedKey = Buffer.concat([wrap.update(cek), wrap.final()]);
  } else {
    encryptedKey = publicEncrypt(
      { key: key.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      cek,
    );
  }
  const protectedSegment = Buffer.from(JSON.stringify(header)).toString('base64url');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', cek, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(protectedSegment, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(jws, 'utf8'), cipher.final()]);
  return [
    protectedSegment,
    encodeBase64url(encryptedKey),
    encodeBase64url(iv),
    encodeBase64url(ciphertext),
    encodeBase64url(cipher.getAuthTag()),
  ].join('.');
}
