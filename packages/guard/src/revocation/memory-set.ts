import type { AccessTokenClaims, RevocationSource } from '../types.js';

/** One revocation: what it names, and until when it matters. */
export interface RevocationEntry {
  kind: 'jti' | 'sid' | 'user';
  /** The jti, the session id, or the user id (the tokens' `sub`). */
  value: string;
  /** Ms since the epoch after which no token this entry covers can still be accepted. */
  expiresAt: number;
  /** Ms since the epoch the revocation was made (for `user`: the cut-off). */
  createdAt: number;
}

interface UserRevocation {
  revokedBefore: number;
  expiresAt: number;
}

/**
 * The in-memory revocation set the guard checks on every request (three hash lookups). Adding
 * is idempotent per (kind, value): the later expiresAt and cut-off win.
 */
export class MemoryRevocationSet implements RevocationSource {
  readonly #jtis = new Map<string, number>();
  readonly #sids = new Map<string, number>();
  readonly #users = new Map<string, UserRevocation>();

  add(entry: RevocationEntry): void {
    const { kind, value, expiresAt, createdAt } = entry;
    if (kind === 'user') {
      const old = this.#users.get(value);
      this.#users.set(value, {
        revokedBefore: Math.max(createdAt, old?.revokedBefore ?? createdAt),
        expiresAt: Math.max(expiresAt, old?.expiresAt ?? expiresAt),
      });
      return;
    }
    const map = kind === 'jti' ? this.#jtis : this.#sids;
    map.set(value, Math.max(expiresAt, map.get(value) ?? expiresAt));
  }

  isRevoked(claims: AccessTokenClaims): boolean {
    if (this.#jtis.size > 0 && this.#jtis.has(claims.jti)) return true;
    if (claims.sid !== undefined && this.#sids.size > 0 && this.#sids.has(claims.sid)) return true;
    if (this.#users.size === 0) return false;
    const user = this.#users.get(claims.sub);
    if (user === undefined) return false;
    // iat has whole-second resolution, so the cut-off is truncated to its second: a token issued
    // in the very second of the revocation stays valid, as the new session's first token must
    // (a login right after a password change). Tokens of the revoked sessions issued in that same
    // second are covered because each of those sessions' sid is revoked as well.
    // A token without a numeric iat is never exempt.
    return !(typeof claims.iat === 'number' && claims.iat >= Math.floor(user.revokedBefore / 1000));
  }

  /** Forgets entries whose expiresAt <= now; returns how many. */
  prune(now: number): number {
    let dropped = 0;
    for (const map of [this.#jtis, this.#sids]) {
      for (const [value, expiresAt] of map) {
        if (expiresAt <= now) {
          map.delete(value);
          dropped++;
        }
      }
    }
    for (const [value, user] of this.#users) {
      if (user.expiresAt <= now) {
        this.#users.delete(value);
        dropped++;
      }
    }
    return dropped;
  }

  get size(): number {
    return this.#jtis.size + this.#sids.size + this.#users.size;
  }
}
