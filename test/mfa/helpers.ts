import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { totpCode } from '../../src/auth/mfa/totp.js';
import { bearer, problemOf, type Harness, type LoginBody } from '../helpers/harness.js';

export interface Enrolled {
  id: string;
  username: string;
  password: string;
  secret: string;
  recoveryCodes: string[];
}

/** The current TOTP code of `secret` on the harness clock. */
export function codeNow(h: Harness, secret: string): string {
  return totpCode(secret, h.clock.now());
}

/** A user with a confirmed authenticator; the clock then moves to the next step so login codes are fresh. */
export async function enrolledUser(
  h: Harness,
  username: string,
  role: 'admin' | 'clerk' | 'employee' = 'admin',
): Promise<Enrolled> {
  const user = await h.addUser(username, role);
  const { access_token: token } = await h.login(username, user.password);
  const started = await h.app.inject({ method: 'POST', url: '/api/users/me/mfa/totp', headers: bearer(token) });
  assert.equal(started.statusCode, 201, started.body);
  const { secret } = started.json<{ secret: string }>();
  const confirmed = await h.app.inject({
    method: 'POST',
    url: '/api/users/me/mfa/totp/confirm',
    headers: bearer(token),
    payload: { code: codeNow(h, secret) },
  });
  assert.equal(confirmed.statusCode, 200, confirmed.body);
  h.clock.advance(30);
  return { ...user, secret, recoveryCodes: confirmed.json<{ recovery_codes: string[] }>().recovery_codes };
}

/** The password step of an enrolled user: asserts the 401 mfa_required and returns its mfa_token. */
export async function passwordStep(h: Harness, username: string, password: string): Promise<string> {
  const response = await h.app.inject({ method: 'POST', url: '/api/users-sessions', payload: { username, password } });
  const body = problemOf(response) as ReturnType<typeof problemOf> & { mfa_token?: string };
  assert.equal(body.code, 'mfa_required', response.body);
  assert.ok(typeof body.mfa_token === 'string');
  return body.mfa_token;
}

export function mfaStep(h: Harness, mfaToken: string, code: string): Promise<LightMyRequestResponse> {
  return h.app.inject({ method: 'POST', url: '/api/users-sessions/mfa', payload: { mfa_token: mfaToken, code } });
}

/** Both steps; the code is the current TOTP code. */
export async function loginWithMfa(h: Harness, user: Enrolled): Promise<LoginBody> {
  const response = await mfaStep(h, await passwordStep(h, user.username, user.password), codeNow(h, user.secret));
  assert.equal(response.statusCode, 201, response.body);
  return response.json<LoginBody>();
}

export async function auditTypes(h: Harness): Promise<string[]> {
  const page = await h.store.audit.list({}, { limit: 100 });
  return page.items.map((e) => e.type);
}
