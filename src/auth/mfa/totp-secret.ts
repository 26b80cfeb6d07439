import { open, seal } from '../keys/sealed-box.js';

/**
 * A TOTP secret at rest: sealed like private keys (AES-256-GCM under the master key), bound to
 * its user, so a sealed secret copied onto another user's row does not open.
 */
export function sealTotpSecret(secret: string, masterKey: Buffer, userId: string): string {
  return seal(secret, masterKey, associatedData(userId));
}

export function openTotpSecret(sealed: string, masterKey: Buffer, userId: string): string {
  return open(sealed, masterKey, associatedData(userId));
}

function associatedData(userId: string): string {
  return `totp:${userId}`;
}
