import { JwksFetchError } from '../errors.js';
import { fetchJwks } from './fetch-jwks.js';
import { keysFromJwks, type SkippedJwk } from './keys-from-jwks.js';
import { LocalKeySource, type KeyRemovedListener } from './local-key-source.js';
import {
  REMOTE_JWKS_DEFAULTS,
  remoteJwksSettings,
  type RemoteJwksOptions,
  type RemoteJwksSettings,
} from './remote-jwks-options.js';
import type { KeySource, VerificationKey } from '../types.js';

/**
 * A key source fed by a remote JWKS URL (the token service's /.well-known/jwks.json). `get` is
 * synchronous from memory; fetching happens out of band: once at creation, again when the key
 * set's max-age lapses (a timer that does not keep the process alive), and on demand for an
 * unknown kid at most once per cooldown, so random kids cannot cause a fetch storm. Concurrent
 * refreshes share one fetch. A failed fetch keeps the last good keys and retries after the
 * cooldown; a successful one replaces the whole set at once and tells onRemove listeners of
 * every kid that disappeared or changed.
 */
export class RemoteJwksSource implements KeySource {
  readonly #settings: RemoteJwksSettings;
  readonly #keys = new LocalKeySource();
  readonly #stop = new AbortController();
  readonly #first: Promise<void>;
  #inflight: Promise<boolean> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  #lastFetchAt: number | undefined;
  #lastError: JwksFetchError | undefined;
  #nextRefreshAt: number | undefined;
  #skipped: readonly SkippedJwk[] = [];
  readonly #distrusted = new Set<string>();

  constructor(options: RemoteJwksOptions) {
    this.#settings = remoteJwksSettings(options);
    this.#first = this.#refresh().then((ok) => {
      if (!ok) throw this.#lastError ?? new JwksFetchError(this.#settings.where, 'the source was closed');
    });
    this.#first.catch(() => undefined); // ready() reports it; never an unhandled rejection
  }

  get(kid: string): VerificationKey | undefined {
    return this.#keys.get(kid);
  }

  /** Hears every kid that stops verifying after a fetch (removed or replaced). Returns unsubscribe. */
  onRemove(listener: KeyRemovedListener): () => void {
    return this.#keys.onRemove(listener);
  }

  /**
   * Stops trusting these kids at once and for good, whatever the JWKS says now or later: for a key
   * known to be compromised or removed upstream before this source's next fetch (the embedding
   * service learnt it from a channel of its own, such as the token service's shared store).
   * Listeners hear the removal, so the verifier forgets the tokens that key verified.
   */
  distrust(kids: Iterable<string>): void {
    for (const kid of kids) {
      this.#distrusted.add(kid);
      this.#keys.remove(kid);
    }
  }

  /** Resolves once a fetch has succeeded; rejects with the JwksFetchError of a failed first fetch. */
  ready(): Promise<void> {
    return this.#lastFetchAt === undefined ? this.#first : Promise.resolve();
  }

  /**
   * For a token whose kid is not known: fetches again unless the cooldown since the last fetch
   * has not passed (then nothing happens) or a fetch is already running (then it joins it).
   * Resolves true when the kid may now be known: a fetch succeeded, or the kid arrived meanwhile.
   * Never rejects; failures go to lastError and onError.
   */
  async refreshForUnknownKid(kid: string): Promise<boolean> {
    if (this.#stop.signal.aborted) return false;
    if (this.#keys.get(kid) !== undefined) return true;
    if (this.#inflight !== undefined) return this.#inflight;
    if (this.#settings.now() - this.#lastAttemptAt < this.#settings.cooldownMs) return false;
    return this.#refresh();
  }

  /** Stops the refresh timer and any fetch under way; the keys already held stay readable. */
  close(): void {
    this.#stop.abort();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#nextRefreshAt = undefined;
  }

  kids(): string[] {
    return this.#keys.kids();
  }

  /** When the last fetch succeeded (on the `now` clock); undefined before the first success. */
  get lastFetchAt(): number | undefined {
    return this.#lastFetchAt;
  }

  /** The failure of the latest fetch; cleared by a success. */
  get lastError(): JwksFetchError | undefined {
    return this.#lastError;
  }

  /** When the scheduled background refresh is due (on the `now` clock). */
  get nextRefreshAt(): number | undefined {
    return this.#nextRefreshAt;
  }

  /** JWKs of the last good document that are not served, and why. */
  get skipped(): readonly SkippedJwk[] {
    return this.#skipped;
  }

  #refresh(): Promise<boolean> {
    if (this.#stop.signal.aborted) return Promise.resolve(false);
    this.#inflight ??= this.#fetchOnce().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #fetchOnce(): Promise<boolean> {
    const settings = this.#settings;
    this.#lastAttemptAt = settings.now();
    try {
      const { document, maxAgeMs } = await fetchJwks(settings, this.#stop.signal);
      const { keys, skipped } = keysFromJwks(document, settings);
      if (this.#stop.signal.aborted) return false;
      this.#keys.set(keys.filter((key) => !this.#distrusted.has(key.kid)));
      this.#skipped = Object.freeze(skipped);
      this.#lastFetchAt = settings.now();
      this.#lastError = undefined;
      this.#schedule(maxAgeMs === undefined ? settings.cacheMaxAgeMs : clampMaxAge(maxAgeMs));
      notify(settings.onFetched);
      return true;
    } catch (error) {
      if (this.#stop.signal.aborted) return false;
      const failure =
        error instanceof JwksFetchError
          ? error
          : new JwksFetchError(settings.where, 'refresh failed', { cause: error });
      this.#lastError = failure;
      this.#schedule(settings.cooldownMs);
      notify(settings.onError, failure);
      return false;
    }
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#nextRefreshAt = this.#settings.now() + delayMs;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#refresh();
    }, delayMs);
    this.#timer.unref();
  }
}

/** Calls an embedder's listener: one that throws (a failing logger) must not break key refresh. */
function notify<A extends unknown[]>(listener: ((...args: A) => void) | undefined, ...args: A): void {
  try {
    listener?.(...args);
  } catch {
    // ignored on purpose
  }
}

function clampMaxAge(ms: number): number {
  return Math.min(Math.max(ms, REMOTE_JWKS_DEFAULTS.minMaxAgeMs), REMOTE_JWKS_DEFAULTS.maxMaxAgeMs);
}

/** A RemoteJwksSource: starts the first fetch at once; await `ready()` before serving. */
export function createRemoteJwksSource(options: RemoteJwksOptions): RemoteJwksSource {
  return new RemoteJwksSource(options);
}
