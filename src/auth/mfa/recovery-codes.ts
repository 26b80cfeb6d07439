import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AUTH_DEFAULTS } from '../defaults.js';

/** Crockford-like base32 without I, L, O, U: nothing to misread on paper. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const GROUPS = 4;
const GROUP_LENGTH = 4;

/** Ten codes of 80 random bits each (`xxxx-xxxx-xxxx-xxxx`): shown once, stored only as SHA-256. */
export function newRecoveryCodes(count: number = AUTH_DEFAULTS.recoveryCodeCount): {
  codes: string[];
  hashes: string[];
} {
  const codes = Array.from({ length: count }, () => newRecoveryCode());
  return { codes, hashes: codes.map((code) => hashRecoveryCode(code) as string) };
}

function newRecoveryCode(): string {
  const bytes = randomBytes(GROUPS * GROUP_LENGTH);
  // 256 is a multiple of 32: each byte maps to a symbol without bias.
  const symbols = [...bytes].map((b) => ALPHABET[b % 32]).join('');
  return Array.from({ length: GROUPS }, (_, i) => symbols.slice(i * GROUP_LENGTH, (i + 1) * GROUP_LENGTH)).join('-');
}

/** Case, spaces and dashes do not matter; anything else that is not a code gets no hash. */
export function hashRecoveryCode(input: string): string | undefined {
  const normalised = input.toLowerCase().replace(/[\s-]/g, '');
  if (normalised.length !== GROUPS * GROUP_LENGTH || ![...normalised].every((c) => ALPHABET.includes(c)))
    return undefined;
  return createHash('sha256').update(normalised).digest('base64url');
}

/** The stored hash equal to `hash`, compared in constant time against every one. */
export function findRecoveryHash(stored: readonly string[], hash: string): string | undefined {
  const candidate = Buffer.from(hash);
  let found: string | undefined;
  for (const entry of stored) {
    const value = Buffer.from(entry);
    if (value.length === candidate.length && timingSafeEqual(value, candidate)) found = entry;
  }
  return found;
}
