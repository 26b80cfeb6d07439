import { randomBytes } from 'node:crypto';
import { MemoryRevocationSet } from '@bulwark/guard';
import type { Config } from '../../config/index.js';
import type { RevocationRecord, RevocationsStore, SecurityEventKind, SecurityEventRecord } from '../../store/types.js';
import { localRevocationFeed, type RevocationFeed } from './revocation-feed.js';

/** Where revocations are published for third-party services (the security event log). */
export interface RevocationEventSink {
  append(event: SecurityEventRecord): Promise<void>;
}

/**
 * Revocation of live access tokens. The store is the source of truth (it survives restarts);
 * the in-memory set is what the guard checks on every request, so the hot path never waits on
 * I/O. An entry lives only as long as a token it covers could still be accepted.
 */
export class RevocationService {
  /** The revocations of tokens issued under `config` (entries kept for the access TTL + skew). */
  static forConfig(
    store: RevocationsStore,
    config: Pick<Config, 'accessTokenTtlSeconds' | 'clockSkewSeconds'>,
    now: () => number = Date.now,
  ): RevocationService {
    const skewMs = config.clockSkewSeconds * 1000;
    return new RevocationService(store, config.accessTokenTtlSeconds * 1000 + skewMs, skewMs, now);
  }

  readonly set = new MemoryRevocationSet();
  #feed: RevocationFeed = localRevocationFeed;
  #events: RevocationEventSink | undefined;
  readonly #listeners = new Set<() => void>();
  #syncedAt: number | undefined;

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
   * longer than a token issued now could live, whatever the message claims. `onArrival` hears
   * each entry's age on arrival (its createdAt is the revoking instance's clock).
   */
  attachFeed(feed: RevocationFeed, onArrival?: (ageMs: number) => void): void {
    this.#feed = feed;
    feed.subscribe({
      onEntry: (entry) => {
        onArrival?.(this.now() - entry.createdAt);
        // An entry's expiresAt is the database's now + lifetime + skew; this instance may be
        // up to the skew behind the database.
        const latest = this.now() + this.tokenLifetimeMs + 2 * this.clockSkewMs;
        if (entry.expiresAt > this.now()) this.set.add({ ...entry, expiresAt: Math.min(entry.expiresAt, latest) });
        this.#notify();
      },
      onResync: () => this.sync(),
    });
  }

  /**
   * Every revocation from now on is also appended to `events` (the SET feed's log), before the
   * revocation itself is stored: a failure there fails the revocation call, so a revocation the
   * caller saw succeed is never missing from the feed.
   */
  attachEventLog(events: RevocationEventSink): void {
    this.#events = events;
  }

  /** Hears every revocation this instance makes or learns of from the feed (for waking the
   *  SET feed's long polls). Returns unsubscribe. */
  onRevocation(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Loads every live revocation from the store; run at start and on a timer, so revocations
   *  written by another process (the CLI, another instance) reach this one. Idempotent. */
  async sync(): Promise<void> {
    const asOf = this.now();
    for (const entry of await this.store.listActive(asOf)) this.set.add(entry);
    this.#syncedAt = asOf;
  }

  /** Ms since the store state of the last complete sync (the bound on a revocation's delay
   *  when the feed is down); undefined before the first sync. */
  syncAgeMs(): number | undefined {
    return this.#syncedAt === undefined ? undefined : this.now() - this.#syncedAt;
  }

  /**
   * When an entry made now may be forgotten, on the database's clock (`store.clockMs`): a token
   * issued before it by an instance up to the skew ahead expires (its exp) at most lifetime +
   * skew later, and a verifier up to the skew behind accepts it for one more skew.
   */
  #entryTimes(): Promise<{ at: number; expiresAt: number }> {
    return this.store.clockMs(this.now).then((at) => ({ at, expiresAt: at + this.tokenLifetimeMs + this.clockSkewMs }));
  }

  /** Every access token of the session stops working. `reason`: one stable word (logout, admin, ...). */
  async revokeSession(sessionId: string, reason?: string): Promise<void> {
    const { at, expiresAt } = await this.#entryTimes();
    return this.record({ kind: 'sid', value: sessionId, createdAt: at, expiresAt }, reason);
  }

  /** One access token, until its own expiry (plus skew). */
  async revokeToken(jti: string, expSeconds: number, reason?: string): Promise<void> {
    const { at } = await this.#entryTimes();
    return this.record(
      { kind: 'jti', value: jti, createdAt: at, expiresAt: expSeconds * 1000 + this.clockSkewMs },
      reason,
    );
  }

  /**
   * The user-wide event of a revocation whose sessions the caller has revoked by sid (those are
   * what refuses the user's earlier tokens, with no clock compared). Its cut-off is the
   * database's now less the skew, so that no token issued after the revocation, on any instance
   * within the skew of the database, is refused: a login right after it must work everywhere.
   */
  async revokeUser(userId: string, reason?: string): Promise<void> {
    const { at, expiresAt } = await this.#entryTimes();
    return this.record({ kind: 'user', value: userId, createdAt: at - this.clockSkewMs, expiresAt }, reason);
  }

  /**
   * Every access token of a subject that holds no session in the store (an OAuth client acting
   * for itself), for a subject that gets no new token afterwards (a disabled client): the
   * cut-off is the database's now plus the skew, rounded up to the second, so that a token an
   * instance up to the skew ahead issued just before the call is refused too.
   */
  async revokeSubject(subject: string, reason?: string): Promise<void> {
    const { at, expiresAt } = await this.#entryTimes();
    const cutoff = (Math.floor((at + this.clockSkewMs) / 1000) + 1) * 1000;
    return this.record({ kind: 'user', value: subject, createdAt: cutoff, expiresAt }, reason);
  }

  /** A changed password, published for third parties (CAEP credential-change); revokes nothing
   *  by itself: the caller revokes the sessions it ends. */
  async credentialChanged(userId: string): Promise<void> {
    const { at, expiresAt } = await this.#entryTimes();
    await this.#publishEvent('credential', userId, 'password_changed', at, expiresAt);
    this.#notify();
  }

  /**
   * Drops entries that cover only expired tokens, in memory and in the store. In memory on this
   * instance's clock (the one it judges its tokens' exp by); in the store two skews later, so
   * that an instance ahead does not delete what one behind may still need at its next sync.
   */
  async prune(): Promise<void> {
    const now = this.now();
    this.set.prune(now);
    await this.store.purgeExpired(now - 2 * this.clockSkewMs);
  }

  /** Store first (the source of truth), then this instance's set, then the other instances.
   *  A failed fan-out never fails the revocation: the periodic store sync delivers it. */
  private async record(entry: RevocationRecord, reason?: string): Promise<void> {
    await this.#publishEvent(entry.kind, entry.value, reason ?? null, entry.createdAt, entry.expiresAt);
    await this.store.add(entry);
    this.set.add(entry);
    await this.#feed.publish(entry).catch(() => {});
    this.#notify();
  }

  async #publishEvent(
    kind: SecurityEventKind,
    subject: string,
    reason: string | null,
    occurredAt: number,
    expiresAt: number,
  ): Promise<void> {
    await this.#events?.append({
      id: randomBytes(16).toString('base64url'),
      kind,
      subject,
      reason,
      occurredAt,
      expiresAt,
    });
  }

  #notify(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch {
        // a failing listener must not fail a revocation
      }
    }
  }
}
