import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { ConfigError } from './errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Empty strings count as unset, so `FOO= npm start` behaves like not setting FOO. */
export function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw))
    throw new ConfigError(name, `must be a whole number between ${min} and ${max} (got "${raw}")`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max} (got ${value})`);
  return value;
}

export function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

export function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be 1 or 0 (got "${raw}")`);
}

export function httpUrl(env: Env, name: string, fallback: string): string {
  const raw = read(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL (got "${raw}")`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(name, 'must use http or https');
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError(name, 'must not contain a query, fragment or credentials');
  }
  // An issuer is compared as a string: keep exactly what was given, minus a trailing slash.
  return raw.endsWith('/') ? raw.slice(0, -1) : raw;
}

/**
 * A secret given as base64url: at least `minBytes` after decoding, and not something a person
 * typed (all printable ASCII, or few distinct bytes). The value never appears in an error.
 */
export function secretBytes(env: Env, name: string, minBytes: number): Buffer | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(raw)) throw new ConfigError(name, 'must be base64url (A-Z a-z 0-9 - _, no padding)');
  const bytes = Buffer.from(raw, 'base64url');
  if (bytes.length < minBytes)
    throw new ConfigError(name, `must decode to at least ${minBytes} random bytes (got ${bytes.length})`);
  const distinct = new Set(bytes).size;
  const printable = bytes.every((b) => b >= 0x20 && b < 0x7f);
  if (printable || distinct < Math.min(16, bytes.length / 2)) {
    throw new ConfigError(
      name,
      "looks low-entropy (text or repeated bytes); generate one with: node -e \"console.log(require('crypto').randomBytes(32).toString('base64url'))\"",
    );
  }
  return bytes;
}

export function list(env: Env, name: string): string[] {
  const raw = read(env, name);
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * BULWARK_TRUST_PROXY: off (`0`); the number of proxies in front (`1`, the usual single load
 * balancer, or more); or the proxies' addresses and CIDR ranges, comma-separated.
 */
export function trustedProxies(env: Env, name: string): false | number | string[] {
  const raw = read(env, name);
  if (raw === undefined || ['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  if (['true', 'yes', 'on'].includes(raw.toLowerCase())) return 1;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 10)
      throw new ConfigError(name, `must be 0, a number of proxies up to 10, or proxy addresses (got ${hops})`);
    return hops;
  }
  const entries = raw.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 4 ? 32 : 128;
    const validBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !validBits || rest.length > 0) {
      throw new ConfigError(
        name,
        `must be 0, a number of proxies, or comma-separated proxy addresses/CIDRs (got "${entry}")`,
      );
    }
  }
  return entries;
}

/** A path that must name an existing file, resolved against the working directory. */
export function existingFile(env: Env, name: string): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  const path = resolve(raw);
  if (!existsSync(path)) throw new ConfigError(name, `file not found: ${path}`);
  return path;
}
