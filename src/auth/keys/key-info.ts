import { ConflictError, InvalidRequestError } from '../../errors/index.js';
import type { SigningKeyRecord } from '../../store/types.js';

/** What the API and CLI show of a key: never private material. */
export interface KeyInfo {
  kid: string;
  alg: string;
  state: SigningKeyRecord['state'];
  createdAt: number;
  activatedAt: number | null;
  retiredAt: number | null;
  removedAt: number | null;
  /**
   * `next` keys only: the earliest moment the key starts signing (created + the JWKS max-age);
   * the lifecycle task promotes it on its first run after that. null for every other state.
   */
  signsFrom: number | null;
}

/**
 * How `rotate` proceeds. Default: a `next` key, published now, signing once verifiers' JWKS
 * caches have expired. `now`: the new key (or the pending `next` key) signs at once; the previous
 * key retires and keeps verifying. `revokeCurrent` (with `now`): the previous key is removed at
 * once and stops verifying, which flushes verified-token caches.
 */
export interface RotateOptions {
  now?: boolean;
  revokeCurrent?: boolean;
  /** The configured algorithm differs from the active key's: change it (CLI `--switch-alg`). */
  switchAlg?: boolean;
}

export function toInfo(record: SigningKeyRecord, prePublishMs: number): KeyInfo {
  const { kid, alg, state, createdAt, activatedAt, retiredAt, removedAt } = record;
  const signsFrom = state === 'next' ? createdAt + prePublishMs : null;
  return { kid, alg, state, createdAt, activatedAt, retiredAt, removedAt, signsFrom };
}

export class KeyRotationNotPossibleError extends ConflictError {
  constructor(why: string) {
    super(`key rotation is not possible: ${why}`, { detail: `Keys cannot be rotated here: ${why}.` });
  }
}

/** A `next` key is already published and waiting: rotating again would skip its pre-publication. */
export class KeyRotationPendingError extends ConflictError {
  constructor(kid: string, signsFrom: number) {
    const when = new Date(signsFrom).toISOString();
    super(`key ${kid} is already waiting to sign (from ${when})`, {
      detail: `Key ${kid} is already published as the next key and starts signing at ${when}. Use now=true to make it sign at once.`,
    });
  }
}

export class RevokeNeedsNowError extends InvalidRequestError {
  constructor() {
    super('revoke_current requires now', {
      detail: 'Revoking the current key needs an immediate rotation (now=true / --now).',
    });
  }
}
