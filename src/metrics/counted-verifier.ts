import { isTokenError, type Verifier } from '@bulwark/guard';
import type { Counter } from 'prom-client';
import type { VerificationOutcome } from './outcomes.js';

/**
 * Verification outcomes tallied in plain numbers and handed to the Prometheus counter at scrape
 * time: an accepted token (the hot path) costs one addition, not a label hash and lookup.
 */
export class VerificationTally {
  #ok = 0;
  readonly #rejected = new Map<VerificationOutcome, number>();

  ok(): void {
    this.#ok += 1;
  }

  rejected(error: unknown): void {
    // Anything else thrown by a verifier is a bug, not a token: it is not a verification outcome.
    if (!isTokenError(error)) return;
    this.#rejected.set(error.reason, (this.#rejected.get(error.reason) ?? 0) + 1);
  }

  /** Moves the tallies into `counter` (its collect step) and starts again from zero. */
  flushInto(counter: Counter<'outcome'>): void {
    if (this.#ok > 0) counter.inc({ outcome: 'ok' }, this.#ok);
    for (const [outcome, count] of this.#rejected) counter.inc({ outcome }, count);
    this.#ok = 0;
    this.#rejected.clear();
  }
}

/**
 * `verifier`, each outcome tallied. A token with an unknown kid counts `unknown_kid` once, then the
 * outcome of verifyAsync's attempt after the key refetch (the guard's hook calls both).
 */
export function countedVerifier(verifier: Verifier, tally: VerificationTally): Verifier {
  return {
    verify(token) {
      try {
        const claims = verifier.verify(token);
        tally.ok();
        return claims;
      } catch (error) {
        tally.rejected(error);
        throw error;
      }
    },
    verifyAsync(token) {
      return verifier.verifyAsync(token).then(
        (claims) => {
          tally.ok();
          return claims;
        },
        (error: unknown) => {
          tally.rejected(error);
          throw error;
        },
      );
    },
  };
}
