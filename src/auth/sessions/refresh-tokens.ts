import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { randomBase64url } from '../../jose/random.js';

/** `brt_` marks the string as a Bulwark refresh token for secret scanners; 256 random bits. */
const PREFIX = 'brt_';
const FORMAT = /^brt_[A-Za-z0-9_-]{43}$/;
const SUCCESSOR_KEY_INFO = 'bulwark refresh successor v1';

export function newRefreshToken(): string {
  return PREFIX + randomBase64url(32);
}

/** Only this hash is stored. A malformed token gets no hash: it cannot match anything. */
export function hashRefreshToken(token: string): string | undefined {
  if (!FORMAT.test(token)) return undefined;
  return createHash('sha256').update(token).digest('base64url');
}

/** The key successors are derived under: from the master key, separated from its other uses by HKDF. */
export function refreshSuccessorKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), SUCCESSOR_KEY_INFO, 32));
}

/**
 * The one token that replaces `presented` at rotation: HMAC-SHA256 under the server key, so every
 * instance that sees a replay within the reuse window answers the same successor without storing
 * it; only its hash is stored. Same format and strength (256 bits) as a fresh token.
 */
export function refreshSuccessor(key: Buffer, presented: string): string {
  return PREFIX + createHmac('sha256', key).update(presented).digest('base64url');
}
