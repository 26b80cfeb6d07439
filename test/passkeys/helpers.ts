import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { bearer, ISSUER, type Harness } from '../helpers/harness.js';
import {
  SoftwareAuthenticator,
  type AuthenticationOptionsJSON,
  type CeremonyOverrides,
  type RegistrationOptionsJSON,
} from './authenticator.js';

export const ORIGIN = new URL(ISSUER).origin;

export function newAuthenticator(options: { synced?: boolean; counts?: boolean } = {}): SoftwareAuthenticator {
  return new SoftwareAuthenticator(ORIGIN, options);
}

export async function registrationOptions(h: Harness, token: string): Promise<RegistrationOptionsJSON> {
  const response = await h.app.inject({
    method: 'POST',
    url: '/api/users/me/passkeys/registration-options',
    headers: bearer(token),
  });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<RegistrationOptionsJSON>();
}

export function submitRegistration(
  h: Harness,
  token: string,
  name: string,
  response: unknown,
): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method: 'POST',
    url: '/api/users/me/passkeys',
    headers: bearer(token),
    payload: { name, response },
  });
}

/** Options, the authenticator's answer, the verification: asserts 201 and returns the passkey view. */
export async function registerPasskey(
  h: Harness,
  token: string,
  authenticator: SoftwareAuthenticator,
  name = 'Laptop',
  overrides: CeremonyOverrides = {},
): Promise<{ id: string; name: string }> {
  const options = await registrationOptions(h, token);
  const response = await submitRegistration(h, token, name, authenticator.create(options, overrides));
  assert.equal(response.statusCode, 201, response.body);
  return response.json<{ id: string; name: string }>();
}

export async function signInOptions(h: Harness): Promise<AuthenticationOptionsJSON> {
  const response = await h.app.inject({ method: 'POST', url: '/api/users-sessions/passkey/options' });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<AuthenticationOptionsJSON>();
}

export function submitSignIn(h: Harness, response: unknown): Promise<LightMyRequestResponse> {
  return h.app.inject({ method: 'POST', url: '/api/users-sessions/passkey', payload: { response } });
}

/** A fresh challenge, the authenticator's assertion (with overrides), the sign-in answer. */
export async function signInWith(
  h: Harness,
  authenticator: SoftwareAuthenticator,
  overrides: CeremonyOverrides & { credentialId?: string } = {},
): Promise<LightMyRequestResponse> {
  return submitSignIn(h, authenticator.get(await signInOptions(h), overrides));
}
