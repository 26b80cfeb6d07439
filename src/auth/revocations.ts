import { MemoryRevocationSet } from '../guard/index.js';
import type { RevocationRecord, RevocationsStore } from '../store/types.js';

/**
 * Revocation of live access tokens. The store is the source of truth (it survives restarts);
 * the in-memory set is what the guard checks on every request, so the hot path never waits on
 * I/O. An entry lives only as long as a token it covers could still be accepted.
 */
export class RevocationService {
  readonly set = new MemoryRevocationSet();

  constructor(
    private readonly store: RevocationsStore,
    /** Access-token lifetime plus clock skew: the longest a token issued now can be accepted. */
    private readonly tokenLifetimeMs: number,
    private readonly clockSkewMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Loads every live revocation from the store; run at start and on a timer, so revocations
   *  written by another process (the CLI, another instance) reach this one. Idempotent. */
  async sync(): Promise<void> {
    for (const entry of await this.store.listActive(this.now())) this.set.add(entry);
  }

  /** Every access token of the session stops working. */
  revokeSession(sessionId: string): Promise<void> {
    return this.publish({ kind: 'sid', value: sessionId, createdAt: this.now(), expiresAt: this.now() + this.tokenLifetimeMs });
  }

  /** One access token, until its own expiry (plus skew). */
  revokeToken(jti: string, expSeconds: number): Promise<void> {
    return this.publish({ kind: 'jti', value: jti, createdAt: this.now(), expiresAt: expSeconds * 1000 + this.clockSkewMs });
  }

  /** Every access token of the user issued before now. */
  revokeUser(userId: string): Promise<void> {
    return this.publish({ kind: 'user', value: userId, createdAt: this.now(), expiresAt: this.now() + this.tokenLifetimeMs });
  }

  /** Drops entries that cover only expired tokens, in memory and in the store. */
  async prune(): Promise<void> {
    const now = this.now();
    this.set.prune(now);
    await this.store.purgeExpired(now);
  }

  private async publish(entry: RevocationRecord): Promise<void> {
    await this.store.add(entry);
    this.set.add(entry);
  }
}
