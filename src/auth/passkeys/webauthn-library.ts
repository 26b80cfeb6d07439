import type * as SimpleWebAuthn from '@simplewebauthn/server';

let loading: Promise<typeof SimpleWebAuthn> | undefined;

/**
 * @simplewebauthn/server, loaded at the first passkey ceremony rather than at start-up: importing
 * it costs about 0.4 s of CPU, which every start of `bulwark serve` paid whether or not anyone
 * used a passkey.
 */
export function webauthnLibrary(): Promise<typeof SimpleWebAuthn> {
  loading ??= import('@simplewebauthn/server');
  return loading;
}
