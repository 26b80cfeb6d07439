import { createHash, randomBytes } from 'node:crypto';
import { PASSKEY_LIMITS } from '@bulwark/contract';
import { InvalidPasskeyChallengeError } from '../../errors/index.js';
import type { PasskeyChallengePurpose, PasskeysStore } from '../../store/types.js';

/** The bounds of the passkey ceremonies (the contract's). */
export { PASSKEY_LIMITS };

/** The relying party name authenticators show beside the account. */
export const RP_NAME = 'Bulwark';

/** The COSE algorithms accepted: ES256, EdDSA, RS256 (what authenticators ship). */
export const SUPPORTED_ALGORITHMS = [-7, -8, -257];

function hashOf(challenge: string): string {
  return createHash('sha256').update(challenge).digest('base64url');
}

/**
 * The challenges of pending ceremonies: 256 random bits each, for one purpose (and one user for
 * a registration), short-lived and used once. Only their SHA-256 is stored; never logged.
 */
export class PasskeyChallenges {
  constructor(
    private readonly store: PasskeysStore,
    private readonly now: () => number,
  ) {}

  /** A new challenge's bytes; its base64url form is what the client signs. */
  async issue(purpose: PasskeyChallengePurpose, userId: string | null): Promise<Uint8Array<ArrayBuffer>> {
    const bytes = new Uint8Array(randomBytes(32));
    const now = this.now();
    await this.store.createChallenge({
      hash: hashOf(Buffer.from(bytes).toString('base64url')),
      purpose,
      userId,
      createdAt: now,
      expiresAt: now + PASSKEY_LIMITS.challengeTtlSeconds * 1000,
    });
    return bytes;
  }

  /** Uses the challenge up before anything is verified: a second response to it is refused whatever it says. */
  async consume(challenge: string, purpose: PasskeyChallengePurpose, userId: string | null): Promise<void> {
    if (
      !/^[A-Za-z0-9_-]{43}$/.test(challenge) ||
      !(await this.store.consumeChallenge(hashOf(challenge), purpose, userId, this.now()))
    ) {
      throw new InvalidPasskeyChallengeError('unknown, used, expired or of another ceremony');
    }
  }

  /** Forgets expired challenges (upkeep); returns how many. */
  purgeExpired(): Promise<number> {
    return this.store.purgeChallenges(this.now());
  }
}
