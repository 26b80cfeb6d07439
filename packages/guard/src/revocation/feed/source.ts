import type { JwsRules } from '../../jws/verify-compact.js';
import { MemoryRevocationSet } from '../memory-set.js';
import type { AccessTokenClaims, RevocationSource } from '../../types.js';
import { FeedHttp, SetFeedError, type PollBody } from './feed-http.js';
import { setFeedSettings, type SetFeedSettings, type SetFeedSourceOptions } from './options.js';
import { backoffMs, sleep } from './timing.js';
import { SetRejectedError, setJwsRules, verifySetRefetchingKeys } from './verify-set.js';

const PRUNE_EVERY_MS = 30_000;

/**
 * A RevocationSource kept current by the token service's SET feed (RFC 8936 long polling): it
 * creates a stream, then polls in a loop; each SET is verified, applied to the in-memory set and
 * acknowledged with the next poll, so a revocation reaches this service as soon as the token
 * service answers the held poll. Failures back off (doubling, with jitter); a stream the token
 * service forgot (404) is created again, which replays every live revocation.
 */
export class SetFeedRevocationSource implements RevocationSource {
  readonly #settings: SetFeedSettings;
  readonly #rules: JwsRules;
  readonly #http: FeedHttp;
  readonly #set = new MemoryRevocationSet();
  readonly #stop = new AbortController();
  readonly #synced: Promise<void>;
  #resolveSynced!: () => void;
  #pollUrl: URL | undefined;
  #pending: Pick<PollBody, 'ack' | 'setErrs'> = { ack: [], setErrs: {} };
  #freshAt: number | undefined;
  #inflightSince: number | undefined;
  #failures = 0;
  #lastError: Error | undefined;
  #prunedAt = 0;
  #caughtUp = false;
  readonly #loop: Promise<void>;

  constructor(options: SetFeedSourceOptions) {
    this.#settings = setFeedSettings(options);
    this.#rules = setJwsRules(this.#settings);
    this.#http = new FeedHttp(this.#settings);
    this.#synced = new Promise((resolve) => (this.#resolveSynced = resolve));
    this.#loop = this.#run();
  }

  /** Revoked by the feed; or, under fail-closed, every token once the set is too stale. */
  isRevoked(claims: AccessTokenClaims): boolean {
    if (this.#settings.failClosedAfterMs !== Infinity && this.staleness() > this.#settings.failClosedAfterMs)
      return true;
    return this.#set.isRevoked(claims);
  }

  /**
   * How far behind the token service this set may be, in ms: 0 while a poll is held open by the
   * token service (it answers at once when anything is revoked), else the time since the last
   * answer; Infinity before the first. Expose it on a health endpoint.
   */
  staleness(): number {
    const now = this.#settings.now();
    if (this.#freshAt === undefined) return Infinity;
    if (
      this.#inflightSince !== undefined &&
      this.#failures === 0 &&
      now - this.#inflightSince < this.#settings.requestTimeoutMs
    )
      return 0;
    return Math.max(0, now - this.#freshAt);
  }

  /** Resolves once every live revocation has been received (the first poll with nothing more). */
  ready(): Promise<void> {
    return this.#synced;
  }

  get size(): number {
    return this.#set.size;
  }

  /** The failure of the latest poll; cleared by a success. */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** Stops polling (an open poll is abandoned) and deletes the stream, best effort. */
  async close(): Promise<void> {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort();
    await this.#loop;
    const url = this.#pollUrl;
    if (url === undefined) return;
    try {
      await this.#http.deleteStream(url, await this.#settings.getAccessToken(false), AbortSignal.timeout(2_000));
    } catch {
      // the token service deletes idle streams itself
    }
  }

  async #run(): Promise<void> {
    let forceToken = false;
    while (!this.#stop.signal.aborted) {
      try {
        const token = await this.#settings.getAccessToken(forceToken);
        forceToken = false;
        this.#pollUrl ??= await this.#http.createStream(token, this.#stop.signal);
        await this.#pollOnce(this.#pollUrl, token);
      } catch (error) {
        if (this.#stop.signal.aborted) return;
        this.#inflightSince = undefined;
        // After a failure the next poll answers at once: staleness is known again without a long wait.
        this.#caughtUp = false;
        const failure = error instanceof Error ? error : new Error(String(error));
        if (failure instanceof SetFeedError && failure.status === 404) this.#restartStream();
        if (failure instanceof SetFeedError && failure.status === 401) forceToken = true;
        this.#fail(failure);
        await this.#sleep(this.#backoff());
      }
    }
  }

  async #pollOnce(url: URL, token: string): Promise<void> {
    const sent = this.#pending;
    this.#inflightSince = this.#settings.now();
    // Until caught up, polls answer at once (ready() should not wait out a long poll).
    const answer = await this.#http.poll(
      url,
      token,
      { ...sent, maxEvents: this.#settings.maxEvents, returnImmediately: !this.#caughtUp },
      this.#stop.signal,
    );
    this.#inflightSince = undefined;
    if (this.#pending === sent) this.#pending = { ack: [], setErrs: {} };
    this.#freshAt = this.#settings.now();
    this.#failures = 0;
    this.#lastError = undefined;
    const retryLater = await this.#apply(answer.sets);
    if (!answer.moreAvailable && !retryLater) {
      this.#caughtUp = true;
      this.#resolveSynced();
    }
    this.#prune();
    // A SET signed by a key this service cannot fetch yet stays unacknowledged: poll again later.
    if (retryLater) await this.#sleep(this.#backoff(1));
  }

  /** Verifies and applies each SET; true when one must wait for a key this service does not know. */
  async #apply(sets: Record<string, string>): Promise<boolean> {
    let retryLater = false;
    for (const [jti, set] of Object.entries(sets)) {
      try {
        const entry = await verifySetRefetchingKeys(set, this.#rules, this.#settings);
        if (entry !== null && entry.expiresAt > this.#settings.now()) this.#set.add(entry);
        this.#pending.ack.push(jti);
      } catch (error) {
        if (error instanceof SetRejectedError) {
          this.#pending.setErrs[jti] = { err: error.err, description: error.reason };
          this.#report(error);
        } else {
          retryLater = true;
          this.#report(error instanceof Error ? error : new Error(String(error)));
        }
      }
    }
    return retryLater;
  }

  #restartStream(): void {
    this.#pollUrl = undefined;
    this.#caughtUp = false;
    this.#pending = { ack: [], setErrs: {} };
  }

  #fail(error: Error): void {
    this.#failures++;
    this.#lastError = error;
    this.#report(error);
  }

  #report(error: Error): void {
    try {
      this.#settings.onError(error);
    } catch {
      // a failing logger must not stop the feed
    }
  }

  #prune(): void {
    const now = this.#settings.now();
    if (now - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = now;
    this.#set.prune(now);
  }

  #backoff(failures = this.#failures): number {
    return backoffMs(failures);
  }

  #sleep(ms: number): Promise<void> {
    return sleep(ms, this.#stop.signal);
  }
}

/** A SetFeedRevocationSource: polling starts at once; await `ready()` before serving. */
export function createSetFeedRevocationSource(options: SetFeedSourceOptions): SetFeedRevocationSource {
  return new SetFeedRevocationSource(options);
}
