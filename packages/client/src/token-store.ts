import type { Grant } from './types.js';

/**
 * The access token lives here and nowhere else: a closure variable, never storage, a cookie or a
 * property of the client, so neither other scripts' storage reads nor a serialised client reveal it.
 */
export interface TokenStore {
  get(): string | null;
  /** True when the token will still work for more than `marginMs` (at most half its lifetime, so short-lived tokens are not refreshed on every use). */
  isFresh(marginMs: number): boolean;
  set(grant: Grant): void;
  clear(): void;
}

/** The access token in a closure (never storage), with when to refresh it before it expires. */
export function createTokenStore(now: () => number = Date.now): TokenStore {
  let token: string | null = null;
  let expiresAt = 0;
  let lifetime = 0;
  return {
    get: () => token,
    isFresh: (marginMs) => token !== null && expiresAt - now() > Math.min(marginMs, lifetime / 2),
    set(grant) {
      token = grant.accessToken;
      expiresAt = grant.expiresAt;
      lifetime = grant.expiresAt - now();
    },
    clear() {
      token = null;
      expiresAt = 0;
    },
  };
}
