// The passkey flows themselves, loaded on first use (passkeys.ts imports this module dynamically):
// @simplewebauthn/browser and this code stay out of the client's first load.
import {
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import type { BulwarkUser } from '../types.js';
import type { LogIn, Request } from './flow-types.js';
import type { BulwarkPasskey } from './types.js';

const MINE = '/api/users/me/passkeys';
const SIGN_IN = '/api/users-sessions/passkey';
const SECOND_STEP = '/api/users-sessions/mfa/passkey';

/** Signs the tab in with a passkey of this site: the browser lets the user pick one and verify. */
export async function signInWithPasskey(request: Request, logIn: LogIn): Promise<BulwarkUser> {
  const optionsJSON = await request<PublicKeyCredentialRequestOptionsJSON>('POST', `${SIGN_IN}/options`);
  return logIn(SIGN_IN, { response: await startAuthentication({ optionsJSON }) });
}

/** The second step of a password login with one of the user's passkeys instead of a code. */
export async function secondStepWithPasskey(mfaToken: string, request: Request, logIn: LogIn): Promise<BulwarkUser> {
  const optionsJSON = await request<PublicKeyCredentialRequestOptionsJSON>('POST', `${SECOND_STEP}/options`, {
    body: { mfa_token: mfaToken },
  });
  return logIn(SECOND_STEP, { mfa_token: mfaToken, response: await startAuthentication({ optionsJSON }) });
}

/** Creates a passkey on this device (the browser asks the user) and registers it under `name`. */
export async function register(request: Request, name: string): Promise<BulwarkPasskey> {
  const optionsJSON = await request<PublicKeyCredentialCreationOptionsJSON>('POST', `${MINE}/registration-options`);
  const response = await startRegistration({ optionsJSON });
  return request<BulwarkPasskey>('POST', MINE, { body: { name, response } });
}

/** Joins from an invitation link with a new passkey instead of a password (the link is spent only if it verifies). */
export async function acceptInvitationWithPasskey(
  request: Request,
  token: string,
  username: string,
  name: string,
): Promise<BulwarkUser> {
  const optionsJSON = await request<PublicKeyCredentialCreationOptionsJSON>(
    'POST',
    '/api/invitations/accept/passkey-options',
    { body: { token, username } },
  );
  const response = await startRegistration({ optionsJSON });
  return request<BulwarkUser>('POST', '/api/invitations/accept', {
    body: { token, username, passkey: { name, response } },
  });
}
