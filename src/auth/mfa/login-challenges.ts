import { createHash, randomBytes } from 'node:crypto';
import { InvalidLoginTokenError } from '../../errors/index.js';
import type { AuthMethod, LoginChallenge, LoginChallengePurpose, MfaStore } from '../../store/types.js';
import { AUTH_DEFAULTS } from '../defaults.js';

/** `blt_`: a Bulwark login-step token (secret scanners); 256 random bits, stored only as SHA-256. */
const PREFIX = 'blt_';
const FORMAT = /^blt_[A-Za-z0-9_-]{43}$/;

function hashOf(token: string): string | undefined {
  return FORMAT.test(token) ? createHash('sha256').update(token).digest('base64url') : undefined;
}

export interface IssuedChallenge {
  token: string;
  expiresIn: number;
}

/**
 * The pending steps of a login: a token for one user, one purpose and the methods already
 * passed, short-lived and single use. Only its hash is stored.
 */
export class LoginChallenges {
  constructor(
    private readonly store: MfaStore,
    private readonly now: () => number,
  ) {}

  async issue(userId: string, purpose: LoginChallengePurpose, amr: AuthMethod[]): Promise<IssuedChallenge> {
    const token = PREFIX + randomBytes(32).toString('base64url');
    const now = this.now();
    const challenge: LoginChallenge = {
      hash: hashOf(token) as string,
      userId,
      purpose,
      amr,
      createdAt: now,
      expiresAt: now + AUTH_DEFAULTS.loginChallenge.ttlSeconds * 1000,
      usedAt: null,
      attempts: 0,
    };
    await this.store.createChallenge(challenge);
    return { token, expiresIn: AUTH_DEFAULTS.loginChallenge.ttlSeconds };
  }

  /** The live challenge of this token and purpose; InvalidLoginTokenError for anything else. */
  async find(token: string, purpose: LoginChallengePurpose): Promise<LoginChallenge> {
    const hash = hashOf(token);
    const challenge = hash === undefined ? undefined : await this.store.findChallenge(hash);
    if (challenge === undefined || challenge.purpose !== purpose) throw new InvalidLoginTokenError('unknown');
    if (challenge.usedAt !== null) throw new InvalidLoginTokenError('used');
    if (challenge.expiresAt <= this.now()) throw new InvalidLoginTokenError('expired');
    if (challenge.attempts >= AUTH_DEFAULTS.loginChallenge.maxAttempts)
      throw new InvalidLoginTokenError('attempts_exhausted');
    return challenge;
  }

  /** Counts a wrong code; returns true when the challenge is now spent. */
  async fail(challenge: LoginChallenge): Promise<boolean> {
    return (await this.store.failChallenge(challenge.hash)) >= AUTH_DEFAULTS.loginChallenge.maxAttempts;
  }

  /** Forgets expired challenges (upkeep); returns how many. */
  purgeExpired(): Promise<number> {
    return this.store.purgeChallenges(this.now());
  }

  /** Uses the challenge up: of two concurrent completions, the second is refused. */
  async consume(challenge: LoginChallenge): Promise<void> {
    if (!(await this.store.consumeChallenge(challenge.hash, this.now()))) throw new InvalidLoginTokenError('used');
  }
}
