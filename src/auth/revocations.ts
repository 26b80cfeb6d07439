import { MemoryRevocationSet } from '@bulwark/guard';
import type { Config } from '../config/index.js';
import type { RevocationRecord, RevocationsStore } from '../store/types.js';
import { localRevocationFeed, type RevocationFeed } from './revocation-feed.js';

/**
 * Revocation of live access tokens. The store is the source of truth (it survives restarts);
 * the in-memory set is what the guard checks on every request, so the hot path never waits on
 * I/O. An entry lives only as long as a token it covers could still be accepted.
 */
export class RevocationService {
  /** The revocations of tokens issued under `config` (entries kept for the access TTL + skew). */
  static forConfig(store: RevocationsStore, config: Pick<Config, 'accessTokenTtlSeconds' | 'clockSkewSeconds'>, now: () => number = Date.now): RevocationService {
    const skewMs = config.clockSkewSeconds * 1000;
    return new RevocationService(store, config.accessTokenTtlSeconds * 1000 + skewMs, skewMs, now);
  }

  readonly set = new MemoryRevocationSet();
  #feed: RevocationFeed = localRevocationFeed;

  constructor(
    private readonly store: RevocationsStore,
    /** Access-token lifetime plus clock skew: the longest a token issued now can be accepted. */
    private readonly tokenLifetimeMs: number,
    private readonly clockSkewMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The feed revocations are fanned out on (the in-process default until one is attached). */
  get feed(): RevocationFeed {
    return this.#feed;
  }

  /**
   * Fans this instance's revocations out on `feed` and takes every other instance's from it;
   * resyncs from the store whenever the feed (re)connects. Entries from the feed are kept no
   * longer than a token issued now could live, whatever the message claims.
   */
  attachFeed(feed: RevocationFeed): void {
    this.#feed = feed;
    feed.subscribe({
      onEntry: (entry) => {
        const latest = this.now() + this.tokenLifetimeMs + this.clockSkewMs;
        if (entry.expiresAt > this.now()) this.set.add({ ...entry, expiresAt: Math.min(entry.expiresAt, latest) });
      },
      onResync: () => this.sync(),
    });
  }

  /** Loads every live revocation from the store; run at start and on a timer, so revocations
   *  written by another process (the CLI, another instance) reach this one. Idempotent. */
  async sync(): Promise<void> {
    for (const entry of await this.store.listActive(this.now())) this.set.add(entry);
  }

  /** Every access token of the session stops working. */
  revokeSession(sessionId: string): Promise<void> {
    return this.record({ kind: 'sid', value: sessionId, createdAt: this.now(), expiresAt: this.now() + this.tokenLifetimeMs });
  }

  /** One access token, until its own expiry (plus skew). */
  revokeToken(jti: string, expSeconds: number): Promise<void> {
    return this.record({ kind: 'jti', value: jti, createdAt: this.now(), expiresAt: expSeconds * 1000 + this.clockSkewMs });
  }

  /** Every access token of the user issued before now. */
  revokeUser(userId: string): Promise<void> {
    return this.record({ kind: 'user', value: userId, createdAt: this.now(), expiresAt: this.now() + this.tokenLifetimeMs });
  }

  /** Drops entries that cover only expired tokens, in memory and in the store. */
  async prune(): Promise<void> {
    const now = this.now();
    this.set.prune(now);
    await this.store.purgeExpired(now);
  }

  /** Store first (the source of truth), then this instance's set, then the other instances.
   *  A failed fan-out never fails the revocation: the periodic store sync delivers it. */
  private async record(entry: RevocationRecord): Promise<void> {
    await this.store.add(entry);
    this.set.add(entry);
    await this.#feed.publish(entry).catch(() => {});
  }
}
