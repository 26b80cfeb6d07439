import { createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';
import { InvalidTokenError } from '../errors.js';
import { CEK_BYTES, IV_BYTES, TAG_BYTES } from './algorithms.js';
import { parseCompactJwe } from './compact.js';
import { checkJweHeader, type JweHeaderRules } from './jwe-header.js';
import { unwrapCek } from './key-unwrap.js';

/** What a JWE must satisfy to be decrypted, and the key that decrypts it. */
export interface JweRules extends JweHeaderRules {
  readonly privateKey: KeyObject;
}

/**
 * Decrypts a compact JWE (RFC 7516 §5.2) under the rules and returns the plaintext. Every check
 * on public data (form, header, epk, IV and tag lengths) comes first with its own reason; after
 * that, a key that does not unwrap and a tag that does not verify are the same failure
 * (`decryption_failed`): a random CEK stands in for an unwrap failure so that the AES-GCM step
 * runs either way (RFC 7516 §11.5, RFC 7518 §4.3's note on OAEP oracles).
 */
export function decryptCompactJwe(token: string, rules: JweRules): Buffer {
  const jwe = parseCompactJwe(token);
  const header = checkJweHeader(jwe.header, rules);
  if (jwe.iv.length !== IV_BYTES || jwe.tag.length !== TAG_BYTES) throw new InvalidTokenError('malformed');
  const cek = unwrapCek(header, jwe.encryptedKey, rules.privateKey) ?? randomBytes(CEK_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', cek, jwe.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(jwe.protectedSegment, 'ascii'));
    decipher.setAuthTag(jwe.tag);
    return Buffer.concat([decipher.update(jwe.ciphertext), decipher.final()]);
  } catch {
    throw new InvalidTokenError('decryption_failed');
  }
}
