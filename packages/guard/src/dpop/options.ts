import type { SigningAlg } from '../jws/algorithms.js';
import { createHmacDpopNonces, type DpopNonceSource } from './nonce.js';
import { MemoryDpopReplayCache, type DpopReplayCache } from './replay-cache.js';

/** Proof algorithms: asymmetric only (RFC 9449 §4.2; a MAC would need a secret the server holds). */
export type DpopAlg = Exclude<SigningAlg, 'HS256'>;
/** The DPoP proof algorithms accepted by default (every asymmetric one). */
export const DPOP_ALGS: readonly DpopAlg[] = Object.freeze(['ES256', 'EdDSA', 'RS256', 'PS256']);

/** The `dpop` option of a verifier: how proofs of key-bound tokens are checked (RFC 9449). */
export interface DpopOptions {
  /** Allow-list of proof algs (default all four); advertised in the challenge's algs. */
  algorithms?: readonly DpopAlg[] | undefined;
  /** How old a proof's iat may be (default 60 s), plus the clock skew. */
  maxAgeSeconds?: number | undefined;
  /** Default: the verifier's clockSkewSeconds. A proof may also be this far in the future. */
  clockSkewSeconds?: number | undefined;
  /** Default: an in-process cache that fails closed (MemoryDpopReplayCache). Share one (Redis) between instances behind one URL. */
  replayCache?: DpopReplayCache | undefined;
  /** Require the server's nonce in every proof (RFC 9449 §9): a source, or true for random-secret HMAC nonces. */
  nonces?: DpopNonceSource | true | undefined;
  /** Longest DPoP header accepted (default 8192). */
  maxProofLength?: number | undefined;
}

/** The defaults of DpopOptions. */
export const DPOP_DEFAULTS = Object.freeze({ maxAgeSeconds: 60, maxProofLength: 8192 });

/** DpopOptions validated, every default applied. */
export interface DpopRules {
  readonly algorithms: ReadonlySet<string>;
  /** The allow-list, space separated, for WWW-Authenticate's algs. */
  readonly algs: string;
  readonly maxAgeSeconds: number;
  readonly skewSeconds: number;
  readonly replayCache: DpopReplayCache;
  readonly nonces: DpopNonceSource | null;
  readonly maxProofLength: number;
  readonly now: () => number;
}

/** Checked up front: a bad option is a TypeError at start-up, never a 500 per request. */
export function dpopRulesFrom(options: DpopOptions = {}, defaultSkewSeconds: number, now: () => number): DpopRules {
  if (typeof options !== 'object' || options === null) throw new TypeError('dpop: options must be an object');
  const algorithms = options.algorithms ?? DPOP_ALGS;
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    !algorithms.every((a) => (DPOP_ALGS as readonly string[]).includes(a))
  ) {
    throw new TypeError(`dpop: algorithms must be a non-empty list of ${DPOP_ALGS.join(', ')}`);
  }
  const maxAgeSeconds = options.maxAgeSeconds ?? DPOP_DEFAULTS.maxAgeSeconds;
  if (!Number.isFinite(maxAgeSeconds) || maxAgeSeconds <= 0 || maxAgeSeconds > 3600)
    throw new TypeError('dpop: maxAgeSeconds must be in (0, 3600]');
  const skewSeconds = options.clockSkewSeconds ?? defaultSkewSeconds;
  if (!Number.isFinite(skewSeconds) || skewSeconds < 0)
    throw new TypeError('dpop: clockSkewSeconds must be a finite number >= 0');
  const replayCache = options.replayCache ?? new MemoryDpopReplayCache({ now });
  if (typeof replayCache?.firstUse !== 'function')
    throw new TypeError('dpop: replayCache must have firstUse(key, ttlSeconds)');
  const nonces = options.nonces === true ? createHmacDpopNonces({ now }) : (options.nonces ?? null);
  if (nonces !== null && (typeof nonces.current !== 'function' || typeof nonces.isValid !== 'function')) {
    throw new TypeError('dpop: nonces must have current() and isValid(nonce)');
  }
  const maxProofLength = options.maxProofLength ?? DPOP_DEFAULTS.maxProofLength;
  if (!Number.isInteger(maxProofLength) || maxProofLength < 256)
    throw new TypeError('dpop: maxProofLength must be an integer >= 256');
  return {
    algorithms: new Set(algorithms),
    algs: algorithms.join(' '),
    maxAgeSeconds,
    skewSeconds,
    replayCache,
    nonces,
    maxProofLength,
    now,
  };
}
