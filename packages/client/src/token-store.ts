import type { Grant } from './types.js';

/**
 * The access token lives here and nowhere else: a closure variable, never storage, a cookie or a
 * property of the client, so neither other scripts' storage reads nor a serialised client reveal it.
 */
export interface TokenStore {
  get(): string | null;
  /** True when there is a token that will still work for more than `marginMs`. */
  isFresh(marginMs: number): boolean;
  set(grant: Grant): void;
  clear(): void;
}

export function createTokenStore(now: () => number = Date.now): TokenStore {
  let token: string | null = null;
  let expiresAt = 0;
  return {
    get: () => token,
    isFresh: (marginMs) => token !== null && expiresAt - now() > marginMs,
    set(grant) {
      token = grant.accessToken;
      expiresAt = grant.expiresAt;
    },
    clear() {
      token = null;
      expiresAt = 0;
    },
  };
}
