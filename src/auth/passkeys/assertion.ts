import type { AuthenticationResponseJSON, AuthenticatorTransport } from '@simplewebauthn/server';
import { webauthnLibrary } from './webauthn-library.js';
import { isAllowedOrigin, type WebAuthnConfig } from '../../config/webauthn.js';
import type { PasskeyRecord } from '../../store/types.js';
import type { ClientData } from './client-data.js';
import { signCountOf } from './client-data.js';
import type { AuthenticationCredentialJSON } from '@bulwark/contract';
import { verificationReason } from './registration.js';

/** Why an assertion was refused, in one stable word for the audit. */
export class AssertionRefused extends Error {
  constructor(readonly reason: string) {
    super(`passkey assertion refused: ${reason}`);
  }
}

export interface VerifiedUse {
  counter: number;
  backedUp: boolean;
}

/**
 * The checks of a passkey assertion against its stored credential, once its challenge is used
 * up: the owner's user handle, our origins and RP ID, user verification, the signature, and a
 * signature counter that grew (when either side counts; otherwise a cloned authenticator).
 */
export async function checkAssertion(
  webauthn: WebAuthnConfig,
  response: AuthenticationCredentialJSON,
  clientData: ClientData,
  passkey: PasskeyRecord,
): Promise<VerifiedUse> {
  const handle = response.response.userHandle;
  if (handle !== undefined && handle !== '' && Buffer.from(handle, 'base64url').toString('utf8') !== passkey.userId)
    throw new AssertionRefused('user handle of another account');
  if (!isAllowedOrigin(webauthn, clientData.origin)) throw new AssertionRefused('origin');
  const counter = signCountOf(response.response.authenticatorData);
  if (counter === undefined || ((counter > 0 || passkey.counter > 0) && counter <= passkey.counter))
    throw new AssertionRefused('counter regressed');
  let verified;
  const { verifyAuthenticationResponse } = await webauthnLibrary();
  try {
    verified = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge: clientData.challenge,
      expectedOrigin: clientData.origin,
      expectedRPID: webauthn.rpId,
      credential: {
        id: passkey.id,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: passkey.counter,
        transports: passkey.transports as AuthenticatorTransport[],
      },
      requireUserVerification: true,
    });
  } catch (error) {
    throw new AssertionRefused(verificationReason(error));
  }
  if (!verified.verified) throw new AssertionRefused('signature');
  return { counter: verified.authenticationInfo.newCounter, backedUp: verified.authenticationInfo.credentialBackedUp };
}
