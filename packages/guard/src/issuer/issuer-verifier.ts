import { PUBLIC_KEY_ALGS, type SigningAlg } from '../jws/algorithms.js';
import { createRemoteJwksSource, type RemoteJwksSource } from '../jwks/remote-jwks.js';
import type { RemoteJwksOptions } from '../jwks/remote-jwks-options.js';
import { clientCredentialsToken } from '../revocation/feed/client-credentials.js';
import type { SetFeedSourceOptions } from '../revocation/feed/options.js';
import { createSetFeedRevocationSource, type SetFeedRevocationSource } from '../revocation/feed/source.js';
import { createVerifier, type Verifier, type VerifierOptions } from '../verifier/verifier.js';
import { discoverIssuer, type IssuerMetadata } from './discovery.js';

/** The options of {@link createIssuerVerifier}: the issuer, the audience, this service's client. */
export interface IssuerVerifierOptions extends Omit<VerifierOptions, 'issuer' | 'keys' | 'revocations' | 'algorithms'> {
  /** The token service's issuer URL, exactly as its tokens' `iss` (https:, or http: to a loopback host). */
  issuer: string;
  /** Allowed signing algorithms; default every public-key one (ES256, EdDSA, RS256, PS256). */
  algorithms?: readonly SigningAlg[] | undefined;
  /**
   * This service's OAuth client (created with scope `ssf:poll`), for the revocation feed. Without
   * it there is no revocation source: logged-out tokens stay valid until exp (a warning says so).
   */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** The feed's behaviour while the token service cannot be read; see SetFeedSourceOptions. */
  revocationFeed?: Pick<SetFeedSourceOptions, 'onUnreachable' | 'requestTimeoutMs' | 'maxEvents'> | undefined;
  /** Key set caching and limits; see RemoteJwksOptions. */
  jwks?:
    | Pick<RemoteJwksOptions, 'cacheMaxAgeMs' | 'cooldownMs' | 'timeoutMs' | 'maxBytes' | 'maxKeys' | 'onFetched'>
    | undefined;
  /** How long start-up waits for the feed's first sync (default 10 s); tokens are refused until it syncs. */
  startupTimeoutMs?: number | undefined;
  /** Hears every failed JWKS fetch and feed poll, for logs (never a token or secret). */
  onError?: ((error: Error) => void) | undefined;
  fetch?: typeof globalThis.fetch | undefined;
}

/** A {@link Verifier} built from discovery, with the sources it started; `close()` stops them. */
export interface IssuerVerifier extends Verifier {
  /** The issuer's metadata as discovered. */
  readonly metadata: IssuerMetadata;
  /** The issuer's signing keys (refreshed as its JWKS says). */
  readonly keys: RemoteJwksSource;
  /** The SET feed, when a client was given; expose `staleness()` on a health endpoint. */
  readonly revocations: SetFeedRevocationSource | undefined;
  /** Stops the key refresh and the feed (its stream is deleted, best effort). */
  close(): Promise<void>;
}

/** The defaults of createIssuerVerifier (ms). */
export const ISSUER_VERIFIER_DEFAULTS = Object.freeze({ startupTimeoutMs: 10_000, discoveryTimeoutMs: 5_000 });

/**
 * One call from the issuer's URL to a revocation-aware verifier: discovery (RFC 8414, else
 * OpenID Connect Discovery), the JWKS (first fetch awaited), and, with `clientId` and
 * `clientSecret`, the SET revocation feed (RFC 8935/8936 through the SSF configuration, client
 * credentials with scope `ssf:poll`), awaited until it has caught up. Rejects when discovery or
 * the first key fetch fails; a feed that has not synced within `startupTimeoutMs` keeps trying
 * (every token is refused until it has, the feed's fail-closed rule).
 */
export async function createIssuerVerifier(options: IssuerVerifierOptions): Promise<IssuerVerifier> {
  const {
    issuer,
    clientId,
    clientSecret,
    revocationFeed,
    jwks,
    startupTimeoutMs,
    onError,
    fetch: fetchOption,
    algorithms: algs,
    ...rest
  } = options;
  if (typeof issuer !== 'string' || issuer === '')
    throw new TypeError('createIssuerVerifier: issuer must be a non-empty string');
  if ((clientId === undefined) !== (clientSecret === undefined))
    throw new TypeError('createIssuerVerifier: give clientId and clientSecret together');
  const wait = startupTimeoutMs ?? ISSUER_VERIFIER_DEFAULTS.startupTimeoutMs;
  if (!Number.isInteger(wait) || wait < 0)
    throw new TypeError('createIssuerVerifier: startupTimeoutMs must be a non-negative integer');
  if (onError !== undefined && typeof onError !== 'function')
    throw new TypeError('createIssuerVerifier: onError must be a function');
  const fetchImpl = fetchOption ?? globalThis.fetch;
  const algorithms = algs ?? PUBLIC_KEY_ALGS;

  const { metadata, streamsUrl } = await discoverIssuer(issuer, fetchImpl, ISSUER_VERIFIER_DEFAULTS.discoveryTimeoutMs);
  const keys = createRemoteJwksSource({ ...jwks, url: metadata.jwks_uri, algorithms, fetch: fetchImpl, onError });
  let revocations: SetFeedRevocationSource | undefined;
  try {
    await keys.ready();
    if (clientId !== undefined && clientSecret !== undefined) {
      if (metadata.token_endpoint === undefined)
        throw new Error('issuer discovery: the metadata has no token_endpoint for the revocation feed');
      revocations = createSetFeedRevocationSource({
        ...revocationFeed,
        issuer,
        clientId,
        keys,
        streamsUrl,
        fetch: fetchImpl,
        getAccessToken: clientCredentialsToken({
          tokenUrl: metadata.token_endpoint,
          clientId,
          clientSecret,
          fetch: fetchImpl,
        }),
        onError,
      });
      await settledWithin(revocations.ready(), wait);
    }
  } catch (error) {
    keys.close();
    await revocations?.close();
    throw error;
  }
  const verifier = createVerifier({ ...rest, issuer, algorithms, keys, revocations });
  return {
    verify: verifier.verify,
    verifyAsync: verifier.verifyAsync,
    ...(verifier.dpop === undefined ? {} : { dpop: verifier.dpop }),
    metadata,
    keys,
    revocations,
    async close() {
      keys.close();
      await revocations?.close();
    },
  };
}

/** Waits for `promise`, at most `ms`. */
async function settledWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
