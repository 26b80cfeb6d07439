import { randomUUID } from 'node:crypto';
import type { Claim } from './idempotency-keys-repo.js';

/**
 * This process as the holder of idempotency claims: an id drawn at process start and the set of
 * claims its requests are running right now. A claim in the database that names this process but
 * is not in that set has no request behind it (its release failed, or an earlier life of this
 * process in the same runtime left it): it may be taken over at once, without waiting for its
 * lease. A claim of another process is taken over only once its lease lapses; a live holder
 * renews its lease while its request runs, so only a dead one's lapses.
 */
export class ClaimOwner {
  readonly id: string = randomUUID();
  readonly #running = new Set<string>();

  /** A new claim of this process, already marked running (before it is written, so no other
   *  request of this process can ever see it as abandoned). */
  begin(now: number, leaseMs: number): Claim {
    const claim: Claim = { owner: this.id, claimId: randomUUID(), claimedAt: now, leaseUntil: now + leaseMs };
    this.#running.add(claim.claimId);
    return claim;
  }

  /** The claim's request is over (completed, failed, or it never got the key). */
  end(claim: Claim): void {
    this.#running.delete(claim.claimId);
  }

  /** Whether a claim found in the database has nobody behind it. */
  abandoned(claim: Claim, now: number): boolean {
    if (claim.leaseUntil <= now) return true;
    return claim.owner === this.id && !this.#running.has(claim.claimId);
  }
}

/** The claims of this process: one per process, shared by every Idempotency in it. */
export const processClaimOwner = new ClaimOwner();
