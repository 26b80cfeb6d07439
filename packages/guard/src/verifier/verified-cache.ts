import { LRUCache } from 'lru-cache';
import type { AccessTokenClaims, KeySource } from '../types.js';

/** The `cache` option of a verifier. */
export interface VerifiedCacheOptions {
  /** Most tokens remembered (default 10,000: a few MB). */
  max?: number | undefined;
}

/** Tokens the verified cache remembers by default. */
export const DEFAULT_CACHE_MAX = 10_000;

/** A key source that tells when a kid stops verifying; required to cache safely. */
interface RemovalNotifier {
  onRemove(listener: (kid: string) => void): unknown;
}

/**
 * Tokens whose signature, header and claims already passed, keyed by the whole token string, so
 * a repeat presentation skips the signature. It does not replace checks that change with time:
 * the verifier re-checks exp and revocation on every hit. Any key removal flushes everything
 * (removals are rare; tracking kid per entry would cost on every request).
 */
export function createVerifiedCache(
  options: VerifiedCacheOptions | true,
  keys: KeySource,
): LRUCache<string, AccessTokenClaims> {
  const max = options === true ? DEFAULT_CACHE_MAX : (options.max ?? DEFAULT_CACHE_MAX);
  if (!Number.isInteger(max) || max < 1) throw new TypeError('verifier: cache.max must be a positive integer');
  const notifier = keys as Partial<RemovalNotifier>;
  if (typeof notifier.onRemove !== 'function') {
    throw new TypeError(
      'verifier: a cache needs a key source with onRemove (LocalKeySource or a JWKS source), so removed keys flush it',
    );
  }
  const cache = new LRUCache<string, AccessTokenClaims>({ max });
  notifier.onRemove(() => cache.clear());
  return cache;
}
