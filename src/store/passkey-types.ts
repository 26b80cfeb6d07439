/**
 * Storage of passkeys (WebAuthn credentials) and of their ceremonies' challenges, part of the
 * Store (types.ts). A credential holds only public data; a challenge is kept as its hash.
 */

/** Whether the credential can be synced between devices (WebAuthn backup eligibility). */
export type PasskeyDeviceType = 'singleDevice' | 'multiDevice';

export interface PasskeyRecord {
  /** The credential id (base64url) the authenticator chose. */
  id: string;
  userId: string;
  /** The user's label for it ("Laptop", "Phone"). */
  name: string;
  /** The COSE-encoded public key. */
  publicKey: Uint8Array;
  /** The authenticator's signature counter at the last use; 0 for authenticators without one. */
  counter: number;
  transports: string[];
  deviceType: PasskeyDeviceType;
  backedUp: boolean;
  /** The authenticator model's AAGUID (all zeros when it does not say). */
  aaguid: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/**
 * What a challenge was issued for: adding a passkey to an account, signing in with one, or the
 * second step of a password login (bound to that user, like a registration), or the passkey of
 * an invited person's future account (no user yet: its hash binds the invitation and username).
 */
export type PasskeyChallengePurpose = 'registration' | 'sign_in' | 'second_factor' | 'invitation';

export interface PasskeyChallenge {
  /** SHA-256 of the challenge (base64url): the challenge itself is never stored. */
  hash: string;
  purpose: PasskeyChallengePurpose;
  /** The registering (or second-step) user; null for sign-in. */
  userId: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface PasskeysStore {
  /** Throws ConflictError when the credential id is already registered (to anyone). */
  create(record: PasskeyRecord): Promise<void>;
  findById(id: string): Promise<PasskeyRecord | undefined>;
  /** The user's passkeys, oldest first. */
  listForUser(userId: string): Promise<PasskeyRecord[]>;
  /** Renames the user's passkey; undefined when the user has none of this id. */
  rename(userId: string, id: string, name: string): Promise<PasskeyRecord | undefined>;
  /** Deletes the user's passkey; false when the user has none of this id. */
  remove(userId: string, id: string): Promise<boolean>;
  /** Deletes every passkey of the user (an admin's MFA reset); returns how many. */
  removeAllForUser(userId: string): Promise<number>;
  /**
   * After a verified sign-in: the new counter, backup state and time of use, written only while
   * the stored counter is still `expectedCounter` (of two racing uses, one wins); false otherwise.
   */
  recordUse(
    id: string,
    expectedCounter: number,
    use: { counter: number; backedUp: boolean; at: number },
  ): Promise<boolean>;

  createChallenge(challenge: PasskeyChallenge): Promise<void>;
  /**
   * Deletes the challenge if it is of this purpose (and user), unexpired at `now`: true exactly
   * once for a live challenge, whoever races for it.
   */
  consumeChallenge(
    hash: string,
    purpose: PasskeyChallengePurpose,
    userId: string | null,
    now: number,
  ): Promise<boolean>;
  /** Deletes challenges that expired at or before `now`; returns how many. */
  purgeChallenges(now: number): Promise<number>;
}
