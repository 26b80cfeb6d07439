import { createHash, randomBytes } from 'node:crypto';

/** `brt_` marks the string as a Bulwark refresh token for secret scanners; 256 random bits. */
const PREFIX = 'brt_';
const FORMAT = /^brt_[A-Za-z0-9_-]{43}$/;

export function newRefreshToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/** Only this hash is stored. A malformed token gets no hash: it cannot match anything. */
export function hashRefreshToken(token: string): string | undefined {
  if (!FORMAT.test(token)) return undefined;
  return createHash('sha256').update(token).digest('base64url');
}
