import { randomBytes, randomFillSync } from 'node:crypto';

/** Bytes drawn from the CSPRNG at once; a token id or a refresh token takes 16 or 32 of them. */
const POOL_BYTES = 4096;
/** Larger requests go straight to randomBytes. */
const MAX_POOLED = 64;

const pool = Buffer.allocUnsafeSlow(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * `bytes` bytes from node:crypto's CSPRNG, as base64url. Each randomBytes call costs ~5 µs here
 * (most of it the call into OpenSSL, not the randomness), and every issued token takes one to
 * three of them; so the bytes are drawn 4 KiB at a time, as Node does for randomUUID. Bytes handed
 * out are zeroed in the pool, so memory keeps no copy of a token already issued.
 */
export function randomBase64url(bytes: number): string {
  if (!Number.isInteger(bytes) || bytes <= 0) throw new RangeError('randomBase64url: bytes must be a positive integer');
  if (bytes > MAX_POOLED) return randomBytes(bytes).toString('base64url');
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const value = pool.toString('base64url', offset, offset + bytes);
  pool.fill(0, offset, offset + bytes);
  offset += bytes;
  return value;
}
