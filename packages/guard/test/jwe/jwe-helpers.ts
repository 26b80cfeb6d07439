import {
  constants,
  createCipheriv,
  diffieHellman,
  generateKeyPairSync,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { concatKdf256 } from '../../src/jwe/concat-kdf.js';
import { jweKeyFrom, type JweKey } from '../../src/jwe/jwe-key.js';
import type { KeyManagementAlg } from '../../src/jwe/algorithms.js';

let cached: Record<KeyManagementAlg, JweKey> | undefined;
/** One token-encryption key per alg, generated once per test process. */
export function jweKeys(): Record<KeyManagementAlg, JweKey> {
  cached ??= {
    'ECDH-ES+A256KW': jweKeyFrom(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
    'RSA-OAEP-256': jweKeyFrom(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
  };
  return cached;
}

export interface CraftOptions {
  /** Members merged over the default header {alg, enc: A256GCM, cty: JWT, kid, epk}; undefined removes one. */
  header?: Record<string, unknown>;
  /** Replaces the computed encrypted key (after the fact: the CEK stays the real one). */
  encryptedKey?: Buffer;
  ivBytes?: number;
  tagBytes?: number;
}

/**
 * A real JWE (the crypto is right for the recipient's key) with whatever header members a test
 * asks for, so that each refusal is caused by exactly the thing under test.
 */
export function craftJwe(
  plaintext: string,
  recipient: Pick<JweKey, 'alg' | 'kid' | 'publicKey'>,
  options: CraftOptions = {},
): string {
  const cek = randomBytes(32);
  const header: Record<string, unknown> = { alg: recipient.alg, enc: 'A256GCM', cty: 'JWT', kid: recipient.kid };
  let encryptedKey: Buffer;
  if (recipient.alg === 'ECDH-ES+A256KW') {
    const ephemeral = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { kty, crv, x, y } = ephemeral.publicKey.export({ format: 'jwk' });
    header.epk = { kty, crv, x, y };
    encryptedKey = wrap(cek, ephemeral.privateKey, recipient.publicKey, recipient.alg);
  } else {
    encryptedKey = publicEncrypt(
      { key: recipient.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      cek,
    );
  }
  for (const [name, value] of Object.entries(options.header ?? {})) {
    if (value === undefined) delete header[name];
    else header[name] = value;
  }
  const protectedSegment = Buffer.from(JSON.stringify(header)).toString('base64url');
  const iv = randomBytes(options.ivBytes ?? 12);
  const cipher = createCipheriv('aes-256-gcm', cek, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(protectedSegment, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag().subarray(0, options.tagBytes ?? 16);
  return [protectedSegment, options.encryptedKey ?? encryptedKey, iv, ciphertext, tag]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

function wrap(cek: Buffer, ephemeralPrivate: KeyObject, recipientPublic: KeyObject, alg: string): Buffer {
  const z = diffieHellman({ privateKey: ephemeralPrivate, publicKey: recipientPublic });
  const cipher = createCipheriv(
    'id-aes256-wrap',
    concatKdf256(z, alg, Buffer.alloc(0), Buffer.alloc(0)),
    Buffer.from('A6A6A6A6A6A6A6A6', 'hex'),
  );
  return Buffer.concat([cipher.update(cek), cipher.final()]);
}

/** Flips one bit of segment `index` (0..4) of a compact token, keeping the base64url canonical. */
export function flipBit(token: string, index: number, bit = 0): string {
  const parts = token.split('.');
  const bytes = Buffer.from(parts[index] as string, 'base64url');
  const at = Math.floor(bit / 8) % bytes.length;
  bytes[at] = (bytes[at] as number) ^ (1 << (bit % 8));
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

/** A P-256 point that is not on the curve: a real epk with y changed. */
export function offCurveEpk(): Record<string, string> {
  const { x, y } = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const bytes = Buffer.from(y as string, 'base64url');
  bytes[31] = (bytes[31] as number) ^ 1;
  return { kty: 'EC', crv: 'P-256', x: x as string, y: bytes.toString('base64url') };
}
