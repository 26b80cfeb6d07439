import { isSigningAlg, type SigningAlg } from '../jws/algorithms.js';
import type { JwksFetchError } from '../errors.js';

/** The options of `createRemoteJwksSource`. */
export interface RemoteJwksOptions {
  /** https:, or http: only to a loopback host (127.0.0.0/8, [::1], localhost). */
  url: string | URL;
  /** JWKs whose own "alg" is missing or not in this list are skipped. HS256 is refused: a JWKS never carries shared secrets. */
  algorithms: readonly SigningAlg[];
  /** Key set lifetime when the response has no Cache-Control max-age (default 5 min). */
  cacheMaxAgeMs?: number | undefined;
  /** Least time between fetches caused by unknown kids, and the retry delay after a failure (default 30 s). */
  cooldownMs?: number | undefined;
  /** Per fetch, body included (default 5 s). */
  timeoutMs?: number | undefined;
  /** Largest JWKS body accepted (default 64 KiB). */
  maxBytes?: number | undefined;
  /** Most entries in the "keys" array (default 50); a larger document fails the fetch. */
  maxKeys?: number | undefined;
  fetch?: typeof globalThis.fetch | undefined;
  /** Ms since the epoch; for frozen clocks in tests. */
  now?: (() => number) | undefined;
  /** Hears every failed fetch (for logging); the source keeps its last good keys. */
  onError?: ((error: JwksFetchError) => void) | undefined;
  /** Hears every successful fetch, once its keys are in use (for metrics). */
  onFetched?: (() => void) | undefined;
}

/** The defaults of RemoteJwksOptions (ms, bytes, entries). */
export const REMOTE_JWKS_DEFAULTS = Object.freeze({
  cacheMaxAgeMs: 5 * 60_000,
  cooldownMs: 30_000,
  timeoutMs: 5_000,
  maxBytes: 64 * 1024,
  maxKeys: 50,
  /** A response's max-age is clamped to [minMaxAgeMs, maxMaxAgeMs]. */
  minMaxAgeMs: 30_000,
  maxMaxAgeMs: 24 * 60 * 60_000,
});

/** The options after validation, every default applied. */
export interface RemoteJwksSettings {
  readonly url: URL;
  /** Origin and path: what error messages name (a query string may carry a secret). */
  readonly where: string;
  readonly algorithms: ReadonlySet<SigningAlg>;
  readonly cacheMaxAgeMs: number;
  readonly cooldownMs: number;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly maxKeys: number;
  readonly fetch: typeof globalThis.fetch;
  readonly now: () => number;
  readonly onError: ((error: JwksFetchError) => void) | undefined;
  readonly onFetched: (() => void) | undefined;
}

/** RemoteJwksOptions validated (TypeError at start-up), every default applied. */
export function remoteJwksSettings(options: RemoteJwksOptions): RemoteJwksSettings {
  const url = jwksUrl(options.url);
  const { algorithms } = options;
  if (!Array.isArray(algorithms) || algorithms.length === 0 || !algorithms.every(isSigningAlg)) {
    throw new TypeError('remote JWKS: algorithms must be a non-empty list of supported algorithms');
  }
  if (algorithms.includes('HS256'))
    throw new TypeError('remote JWKS: HS256 is refused (a JWKS URL never carries shared secrets)');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new TypeError('remote JWKS: fetch must be a function');
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('remote JWKS: now must be a function');
  if (options.onError !== undefined && typeof options.onError !== 'function')
    throw new TypeError('remote JWKS: onError must be a function');
  if (options.onFetched !== undefined && typeof options.onFetched !== 'function')
    throw new TypeError('remote JWKS: onFetched must be a function');
  const max = REMOTE_JWKS_DEFAULTS.maxMaxAgeMs;
  return {
    url,
    where: `${url.origin}${url.pathname}`,
    algorithms: new Set(algorithms),
    cacheMaxAgeMs: int(options.cacheMaxAgeMs, REMOTE_JWKS_DEFAULTS.cacheMaxAgeMs, 'cacheMaxAgeMs', max),
    cooldownMs: int(options.cooldownMs, REMOTE_JWKS_DEFAULTS.cooldownMs, 'cooldownMs', max),
    timeoutMs: int(options.timeoutMs, REMOTE_JWKS_DEFAULTS.timeoutMs, 'timeoutMs', 10 * 60_000),
    maxBytes: int(options.maxBytes, REMOTE_JWKS_DEFAULTS.maxBytes, 'maxBytes', 16 * 1024 * 1024),
    maxKeys: int(options.maxKeys, REMOTE_JWKS_DEFAULTS.maxKeys, 'maxKeys', 10_000),
    fetch: fetchImpl,
    now,
    onError: options.onError,
    onFetched: options.onFetched,
  };
}

/** Keys are fetched only over https, or plain http to this machine. No credentials in the URL. */
export function jwksUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new TypeError('remote JWKS: url is not a valid absolute URL');
  }
  if (url.username !== '' || url.password !== '') throw new TypeError('remote JWKS: url must not carry credentials');
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url;
  throw new TypeError(
    'remote JWKS: url must use https: (http: only to a loopback host: 127.0.0.0/8, [::1], localhost)',
  );
}

/** The URL parser has already normalised the host (e.g. 2130706433 -> 127.0.0.1, lower case). */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function int(value: number | undefined, fallback: number, name: string, max: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new TypeError(`remote JWKS: ${name} must be an integer from 1 to ${max}`);
  return n;
}
