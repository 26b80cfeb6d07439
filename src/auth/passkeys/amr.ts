import type { AuthMethod, PasskeyDeviceType } from '../../store/types.js';

/**
 * RFC 8176 methods of a passkey sign-in: proof of a key held in hardware (`hwk`, a device-bound
 * credential) or synced in software (`swk`, a multi-device one); `user`: the authenticator
 * verified the user (PIN or biometric), which with the key makes it multi-factor (`mfa`).
 */
export function passkeyAmr(deviceType: PasskeyDeviceType): AuthMethod[] {
  return [deviceType === 'multiDevice' ? 'swk' : 'hwk', 'user', 'mfa'];
}
