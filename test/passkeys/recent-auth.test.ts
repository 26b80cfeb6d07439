import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROBLEM_CODE } from '@bulwark/contract/registry';
import { bearer, createHarness, problemOf, type Harness, type LoginBody } from '../helpers/harness.js';
import type { SoftwareAuthenticator } from './authenticator.js';
import { newAuthenticator, registerPasskey, signInWith } from './helpers.js';

const CHALLENGE_AGE =
  'Bearer realm="bulwark", error="insufficient_user_authentication", error_description="More recent authentication is required", max_age=900';

describe('adding or removing a passkey or TOTP needs a login within BULWARK_STEP_UP_MAX_AGE (RFC 9470)', () => {
  let h: Harness;
  let alice: { id: string; username: string; password: string };
  before(async () => {
    h = await createHarness();
    alice = await h.addUser('alice', 'clerk');
  });
  after(() => h.close());

  /** A session that signed in (with the passkey) `seconds` ago, its access token refreshed just now (auth_time stays the login's). */
  const agedSession = async (key: SoftwareAuthenticator, seconds: number): Promise<LoginBody> => {
    const signedIn = await signInWith(h, key);
    assert.equal(signedIn.statusCode, 201, signedIn.body);
    const pair = signedIn.json<LoginBody>();
    h.clock.advance(seconds);
    const refreshed = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/refresh',
      payload: { refresh_token: pair.refresh_token },
    });
    assert.equal(refreshed.statusCode, 200, refreshed.body);
    return refreshed.json<LoginBody>();
  };

  const assertStepUp = (
    response: { statusCode: number; headers: Record<string, unknown>; body: string },
    what: string,
  ) => {
    assert.equal(response.statusCode, 401, `${what}: ${response.body}`);
    assert.equal(problemOf(response as never).code, PROBLEM_CODE.insufficient_user_authentication, what);
    assert.equal(response.headers['www-authenticate'], CHALLENGE_AGE, what);
  };

  it('an old session is refused with the challenge and changes nothing; a fresh password login or passkey sign-in may', async () => {
    const laptop = newAuthenticator();
    const fresh = await h.login('alice', alice.password);
    const passkey = await registerPasskey(h, fresh.access_token, laptop, 'Laptop');

    const old = await agedSession(laptop, 901);
    const token = old.access_token;
    assertStepUp(
      await h.app.inject({
        method: 'POST',
        url: '/api/users/me/passkeys/registration-options',
        headers: bearer(token),
      }),
      'registration options',
    );
    assertStepUp(
      await h.app.inject({
        method: 'POST',
        url: '/api/users/me/passkeys',
        headers: bearer(token),
        payload: { name: 'Evil', response: {} },
      }),
      'registration',
    );
    assertStepUp(
      await h.app.inject({ method: 'DELETE', url: `/api/users/me/passkeys/${passkey.id}`, headers: bearer(token) }),
      'removal',
    );
    assertStepUp(
      await h.app.inject({ method: 'POST', url: '/api/users/me/mfa/totp', headers: bearer(token) }),
      'TOTP enrolment',
    );
    assertStepUp(
      await h.app.inject({
        method: 'POST',
        url: '/api/users/me/mfa/totp/confirm',
        headers: bearer(token),
        payload: { code: '000000' },
      }),
      'TOTP confirmation',
    );
    assertStepUp(
      await h.app.inject({
        method: 'DELETE',
        url: '/api/users/me/mfa/totp',
        headers: bearer(token),
        payload: { password: alice.password },
      }),
      'TOTP removal',
    );
    // Reading and renaming do not change how the account signs in: the old session still may.
    const listed = await h.app.inject({ method: 'GET', url: '/api/users/me/passkeys', headers: bearer(token) });
    assert.equal(listed.statusCode, 200);
    assert.deepEqual(
      listed.json<{ items: Array<{ name: string }> }>().items.map((p) => p.name),
      ['Laptop'],
    );
    const renamed = await h.app.inject({
      method: 'PATCH',
      url: `/api/users/me/passkeys/${passkey.id}`,
      headers: bearer(token),
      payload: { name: 'Old laptop' },
    });
    assert.equal(renamed.statusCode, 200, renamed.body);

    // Within the max age (900 s, refreshed) it works.
    const recent = await agedSession(laptop, 899);
    const enrolled = await h.app.inject({
      method: 'POST',
      url: '/api/users/me/mfa/totp',
      headers: bearer(recent.access_token),
    });
    assert.equal(enrolled.statusCode, 201, enrolled.body);
    const phone = newAuthenticator({ synced: true });
    await registerPasskey(h, recent.access_token, phone, 'Phone');

    // Signing in again with the passkey is a recent login.
    const signedIn = await signInWith(h, laptop);
    assert.equal(signedIn.statusCode, 201, signedIn.body);
    const removed = await h.app.inject({
      method: 'DELETE',
      url: `/api/users/me/passkeys/${passkey.id}`,
      headers: bearer(signedIn.json<LoginBody>().access_token),
    });
    assert.equal(removed.statusCode, 204, removed.body);
    const after = await h.app.inject({
      method: 'GET',
      url: '/api/users/me/passkeys',
      headers: bearer(recent.access_token),
    });
    assert.deepEqual(
      after.json<{ items: Array<{ name: string }> }>().items.map((p) => p.name),
      ['Phone'],
    );
  });
});
