import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `bcl_` + 128 random bits: never a user id (UUIDs) nor the first party's `bulwark`. */
export function newClientId(): string {
  return `bcl_${randomBytes(16).toString('base64url')}`;
}

/** `bcs_` marks the string as a Bulwark client secret for secret scanners; 256 random bits. */
const SECRET_FORMAT = /^bcs_[A-Za-z0-9_-]{43}$/;

export function newClientSecret(): string {
  return `bcs_${randomBytes(32).toString('base64url')}`;
}

/**
 * Only this is stored. A secret of 256 random bits needs no slow hash (nothing to guess from its
 * digest), so SHA-256 lets every token request check it in microseconds.
 */
export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

const NO_MATCH = hashClientSecret('bcs_no-client-has-this-secret');

/**
 * Constant-time comparison of digests (equal length whatever was presented). `storedHash` null
 * (unknown client, a key client) still costs one comparison and never matches.
 */
export function secretMatches(presented: string, storedHash: string | null): boolean {
  const expected = Buffer.from(storedHash ?? NO_MATCH, 'base64url');
  const actual = Buffer.from(hashClientSecret(presented), 'base64url');
  const equal = expected.length === actual.length && timingSafeEqual(expected, actual);
  return equal && storedHash !== null && SECRET_FORMAT.test(presented);
}
