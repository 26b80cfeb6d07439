import { isSigningAlg, PUBLIC_KEY_ALGS, type SigningAlg } from '../../jws/algorithms.js';
import type { KeySource } from '../../types.js';

/** What a service does while the feed cannot be read. */
export type UnreachablePolicy = 'fail-open' | { failClosedAfterMs: number };

/** The options of `createSetFeedRevocationSource`. */
export interface SetFeedSourceOptions {
  /** The token service's issuer (the SETs' iss); also the base of the default streams URL. */
  issuer: string;
  /** This service's OAuth client id: the SETs' aud. */
  clientId: string;
  /** The token service's keys: the same RemoteJwksSource that verifies access tokens. */
  keys: KeySource;
  /** This service's access token for the feed (client credentials, scope ssf:poll). Called with
   *  true after the feed refused the last one. See `clientCredentialsToken`. */
  getAccessToken: (forceRefresh: boolean) => Promise<string>;
  /** The SSF configuration_endpoint (default `${issuer}/ssf/streams`): a stream is created there. */
  streamsUrl?: string | URL | undefined;
  /** Allowed SET algorithms (default: every public-key alg; HS256 is refused). */
  algorithms?: readonly SigningAlg[] | undefined;
  /**
   * Default `{ failClosedAfterMs: 300_000 }`: while the feed is unreachable the current set keeps
   * serving, and once no poll has succeeded for 5 minutes every token is refused (401 `revoked`)
   * until the feed answers again. `'fail-open'` keeps serving with the stale set for ever (tokens
   * still end at their exp).
   */
  onUnreachable?: UnreachablePolicy | undefined;
  /** Longest a poll may take (default 35 s: the token service holds one for up to 25 s). */
  requestTimeoutMs?: number | undefined;
  /** SETs per answer (default 100). */
  maxEvents?: number | undefined;
  clockSkewSeconds?: number | undefined;
  /** Bound on how long an entry is kept, whatever a SET says (default 86,400 s, as the verifier). */
  maxTokenLifetimeSeconds?: number | undefined;
  fetch?: typeof globalThis.fetch | undefined;
  now?: (() => number) | undefined;
  /** Hears every failed poll and every SET that failed verification (no token or SET content). */
  onError?: ((error: Error) => void) | undefined;
}

/** The defaults of SetFeedSourceOptions (ms, seconds, counts). */
export const SET_FEED_SOURCE_DEFAULTS = Object.freeze({
  failClosedAfterMs: 300_000,
  requestTimeoutMs: 35_000,
  maxEvents: 100,
  clockSkewSeconds: 30,
  maxTokenLifetimeSeconds: 86_400,
  /** Retry delays after failures: doubling from min to max, with jitter. */
  minBackoffMs: 250,
  maxBackoffMs: 30_000,
});

/** SetFeedSourceOptions validated, every default applied. */
export interface SetFeedSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly keys: KeySource;
  readonly getAccessToken: (forceRefresh: boolean) => Promise<string>;
  readonly streamsUrl: URL;
  readonly algorithms: ReadonlySet<SigningAlg>;
  /** Infinity for fail-open. */
  readonly failClosedAfterMs: number;
  readonly requestTimeoutMs: number;
  readonly maxEvents: number;
  readonly skewSeconds: number;
  readonly maxLifetimeMs: number;
  readonly fetch: typeof globalThis.fetch;
  readonly now: () => number;
  readonly onError: (error: Error) => void;
}

const PREFIX = 'SET feed source';

/** Every option checked once, at creation: a TypeError there rather than a failure per poll. */
export function setFeedSettings(options: SetFeedSourceOptions): SetFeedSettings {
  const { issuer, clientId, keys, getAccessToken } = options;
  if (typeof issuer !== 'string' || issuer === '') throw new TypeError(`${PREFIX}: issuer must be a non-empty string`);
  if (typeof clientId !== 'string' || clientId === '')
    throw new TypeError(`${PREFIX}: clientId must be a non-empty string`);
  if (typeof keys?.get !== 'function') throw new TypeError(`${PREFIX}: keys must be a KeySource`);
  if (typeof getAccessToken !== 'function') throw new TypeError(`${PREFIX}: getAccessToken must be a function`);
  const algorithms = options.algorithms ?? PUBLIC_KEY_ALGS;
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    !algorithms.every(isSigningAlg) ||
    algorithms.includes('HS256')
  ) {
    throw new TypeError(`${PREFIX}: algorithms must be a non-empty list of public-key algorithms`);
  }
  const policy = options.onUnreachable ?? { failClosedAfterMs: SET_FEED_SOURCE_DEFAULTS.failClosedAfterMs };
  let failClosedAfterMs: number;
  if (policy === 'fail-open') failClosedAfterMs = Infinity;
  else if (typeof policy === 'object' && policy !== null)
    failClosedAfterMs = int(policy.failClosedAfterMs, 0, 'onUnreachable.failClosedAfterMs', 7 * 86_400_000);
  else throw new TypeError(`${PREFIX}: onUnreachable must be 'fail-open' or { failClosedAfterMs }`);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new TypeError(`${PREFIX}: fetch must be a function`);
  const d = SET_FEED_SOURCE_DEFAULTS;
  return {
    issuer,
    clientId,
    keys,
    getAccessToken,
    streamsUrl: feedUrl(options.streamsUrl ?? `${issuer.replace(/\/+$/, '')}/ssf/streams`, 'streamsUrl'),
    algorithms: new Set(algorithms),
    failClosedAfterMs,
    requestTimeoutMs: int(options.requestTimeoutMs, d.requestTimeoutMs, 'requestTimeoutMs', 600_000, 1),
    maxEvents: int(options.maxEvents, d.maxEvents, 'maxEvents', 1000, 1),
    skewSeconds: int(options.clockSkewSeconds, d.clockSkewSeconds, 'clockSkewSeconds', 3600),
    maxLifetimeMs:
      int(options.maxTokenLifetimeSeconds, d.maxTokenLifetimeSeconds, 'maxTokenLifetimeSeconds', 366 * 86_400, 1) *
      1000,
    fetch: fetchImpl,
    now: options.now ?? Date.now,
    onError: options.onError ?? (() => {}),
  };
}

/** https:, or http: only to this machine; never credentials in the URL. `prefix` names the caller in errors. */
export function feedUrl(input: string | URL, name: string, prefix = PREFIX): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new TypeError(`${prefix}: ${name} is not a valid absolute URL`);
  }
  if (url.username !== '' || url.password !== '') throw new TypeError(`${prefix}: ${name} must not carry credentials`);
  const loopback =
    url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return url;
  throw new TypeError(`${prefix}: ${name} must use https: (http: only to a loopback host)`);
}

function int(value: number | undefined, fallback: number, name: string, max: number, min = 0): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new TypeError(`${PREFIX}: ${name} must be an integer from ${min} to ${max}`);
  return n;
}
