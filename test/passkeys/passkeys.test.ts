import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, createHarness, decodeJwt, problemOf, type Harness, type LoginBody } from '../helpers/harness.js';
import {
  newAuthenticator,
  registerPasskey,
  registrationOptions,
  signInOptions,
  signInWith,
  submitRegistration,
  submitSignIn,
} from './helpers.js';

describe('passkeys: registration, list, rename, removal, sign-in (a software authenticator, @simplewebauthn/server verifying)', () => {
  let h: Harness;
  let alice: { id: string; username: string; password: string };
  let bob: { id: string; username: string; password: string };
  let aliceToken: string;
  let bobToken: string;
  before(async () => {
    h = await createHarness();
    alice = await h.addUser('alice', 'admin');
    bob = await h.addUser('bob', 'clerk');
    aliceToken = (await h.login('alice', alice.password)).access_token;
    bobToken = (await h.login('bob', bob.password)).access_token;
  });
  after(() => h.close());

  const list = async (token: string) => {
    const response = await h.app.inject({ method: 'GET', url: '/api/users/me/passkeys', headers: bearer(token) });
    assert.equal(response.statusCode, 200, response.body);
    return response.json<{
      items: Array<{
        id: string;
        name: string;
        device_type: string;
        last_used_at: string | null;
        transports: string[];
      }>;
    }>().items;
  };

  it('registration options ask for a discoverable credential with user verification, for this RP, excluding known passkeys', async () => {
    const options = (await registrationOptions(h, aliceToken)) as unknown as {
      rp: { id: string };
      user: { id: string; name: string };
      authenticatorSelection: Record<string, string>;
      attestation: string;
      challenge: string;
    };
    assert.equal(options.rp.id, 'bulwark.test');
    assert.equal(options.user.name, 'alice');
    assert.equal(Buffer.from(options.user.id, 'base64url').toString('utf8'), alice.id);
    assert.equal(options.authenticatorSelection.residentKey, 'required');
    assert.equal(options.authenticatorSelection.userVerification, 'required');
    assert.equal(options.attestation, 'none');
    assert.match(options.challenge, /^[A-Za-z0-9_-]{43}$/);
  });

  it('registers two named passkeys, lists them, renames and removes one; a removed passkey signs in no more', async () => {
    const laptop = newAuthenticator();
    const phone = newAuthenticator({ synced: true });
    const first = await registerPasskey(h, aliceToken, laptop, '  Laptop ');
    assert.equal(first.name, 'Laptop');
    h.clock.advance(1);
    const second = await registerPasskey(h, aliceToken, phone, 'Phone');
    const items = await list(aliceToken);
    assert.deepEqual(
      items.map((p) => [p.name, p.device_type, p.last_used_at]),
      [
        ['Laptop', 'single_device', null],
        ['Phone', 'multi_device', null],
      ],
    );
    assert.deepEqual(items[0]?.transports, ['internal']);
    // Options now exclude both.
    const options = (await registrationOptions(h, aliceToken)) as unknown as {
      excludeCredentials: Array<{ id: string }>;
    };
    assert.deepEqual(options.excludeCredentials.map((c) => c.id).sort(), [first.id, second.id].sort());

    const renamed = await h.app.inject({
      method: 'PATCH',
      url: `/api/users/me/passkeys/${second.id}`,
      headers: bearer(aliceToken),
      payload: { name: 'Work phone' },
    });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(renamed.json<{ name: string }>().name, 'Work phone');

    const removed = await h.app.inject({
      method: 'DELETE',
      url: `/api/users/me/passkeys/${second.id}`,
      headers: bearer(aliceToken),
    });
    assert.equal(removed.statusCode, 204);
    assert.deepEqual(
      (await list(aliceToken)).map((p) => p.name),
      ['Laptop'],
    );
    const refused = await signInWith(h, phone);
    assert.equal(refused.statusCode, 401);
    assert.equal(problemOf(refused).code, 'invalid_passkey');
  });

  it('signs in with a passkey alone: the same tokens as a password login, amr hwk/swk + user + mfa, the passkey marked used', async () => {
    const key = newAuthenticator();
    const passkey = await registerPasskey(h, bobToken, key, 'Key');
    const response = await signInWith(h, key);
    assert.equal(response.statusCode, 201, response.body);
    const body = response.json<LoginBody>();
    assert.equal(body.token_type, 'Bearer');
    assert.ok(body.refresh_token.length > 0);
    const { claims } = decodeJwt(body.access_token);
    assert.equal(claims.sub, bob.id);
    assert.deepEqual(claims.amr, ['hwk', 'user', 'mfa']);
    const me = await h.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(body.access_token) });
    assert.equal(me.json<{ username: string }>().username, 'bob');
    assert.ok((await list(bobToken)).find((p) => p.id === passkey.id)?.last_used_at !== null);
    // The refresh token works like any other.
    const refreshed = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/refresh',
      payload: { refresh_token: body.refresh_token },
    });
    assert.equal(refreshed.statusCode, 200);

    const synced = newAuthenticator({ synced: true, counts: false });
    await registerPasskey(h, bobToken, synced, 'Synced');
    const viaSynced = await signInWith(h, synced);
    assert.equal(viaSynced.statusCode, 201, viaSynced.body);
    assert.deepEqual(decodeJwt(viaSynced.json<LoginBody>().access_token).claims.amr, ['swk', 'user', 'mfa']);
    // A counter-less authenticator (always 0) signs in again: nothing to compare.
    assert.equal((await signInWith(h, synced)).statusCode, 201);
  });

  it('after an admin password reset, a passkey sign-in asks for the new password first (password_change_required)', async () => {
    const dave = await h.addUser('dave', 'clerk');
    const key = newAuthenticator();
    await registerPasskey(h, (await h.login('dave', dave.password)).access_token, key, 'Key');
    const reset = await h.app.inject({
      method: 'POST',
      url: `/api/users/${dave.id}/password-reset`,
      headers: bearer(aliceToken),
    });
    assert.equal(reset.statusCode, 200, reset.body);
    const step = await signInWith(h, key);
    assert.equal(step.statusCode, 401);
    const body = step.json<{ code: string; password_change_token: string }>();
    assert.equal(body.code, 'password_change_required');
    const done = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/password-change',
      payload: { password_change_token: body.password_change_token, new_password: 'dave-Brand-New-Horse-77' },
    });
    assert.equal(done.statusCode, 201, done.body);
    assert.deepEqual(decodeJwt(done.json<LoginBody>().access_token).claims.amr, ['hwk', 'user', 'mfa']);
  });

  it('a signature counter that does not grow is refused (a cloned authenticator), and the stored counter is kept', async () => {
    const key = newAuthenticator();
    await registerPasskey(h, aliceToken, key, 'Counted');
    assert.equal((await signInWith(h, key)).statusCode, 201);
    const used = key.credentials.at(-1)?.counter as number;
    for (const counter of [used, used - 1]) {
      const replay = await signInWith(h, key, { counter });
      assert.equal(replay.statusCode, 401, `counter ${counter}`);
      assert.equal(problemOf(replay).code, 'invalid_passkey');
    }
    assert.equal((await signInWith(h, key, { counter: used + 1 })).statusCode, 201);
  });

  it('a sign-in from another origin, for another RP ID, or without user verification is refused', async () => {
    const key = newAuthenticator();
    await registerPasskey(h, aliceToken, key, 'Strict');
    for (const overrides of [
      { origin: 'https://evil.example' },
      { origin: 'http://bulwark.test:8443' },
      { rpId: 'evil.example' },
      { uv: false },
    ]) {
      const refused = await signInWith(h, key, overrides);
      assert.equal(refused.statusCode, 401, JSON.stringify(overrides));
      assert.equal(problemOf(refused).code, 'invalid_passkey');
    }
    assert.equal((await signInWith(h, key)).statusCode, 201);
  });

  it('a registration from another origin, for another RP ID, or without user verification is refused and stores nothing', async () => {
    const before = (await list(aliceToken)).length;
    for (const overrides of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }, { uv: false }]) {
      const options = await registrationOptions(h, aliceToken);
      const refused = await submitRegistration(h, aliceToken, 'Bad', newAuthenticator().create(options, overrides));
      assert.equal(refused.statusCode, 400, JSON.stringify(overrides));
      assert.equal(problemOf(refused).code, 'invalid_passkey_registration');
    }
    assert.equal((await list(aliceToken)).length, before);
  });

  it('a challenge is single-use and short-lived, for its ceremony only', async () => {
    const key = newAuthenticator();
    await registerPasskey(h, aliceToken, key, 'Challenged');
    const options = await signInOptions(h);
    const assertion = key.get(options);
    assert.equal((await submitSignIn(h, assertion)).statusCode, 201);
    const reused = await submitSignIn(h, key.get(options));
    assert.equal(reused.statusCode, 400);
    assert.equal(problemOf(reused).code, 'invalid_passkey_challenge');

    const late = await signInOptions(h);
    h.clock.advance(301);
    const expired = await submitSignIn(h, key.get(late));
    assert.equal(expired.statusCode, 400);
    assert.equal(problemOf(expired).code, 'invalid_passkey_challenge');

    const forged = await signInWith(h, key, { challenge: Buffer.alloc(32, 7).toString('base64url') });
    assert.equal(problemOf(forged).code, 'invalid_passkey_challenge');

    // A registration challenge does not sign in, and a registration answer does not outlive its challenge.
    const registration = await registrationOptions(h, aliceToken);
    const crossed = await submitSignIn(h, key.get({ challenge: registration.challenge, rpId: 'bulwark.test' }));
    assert.equal(problemOf(crossed).code, 'invalid_passkey_challenge');
    const fresh = await registrationOptions(h, aliceToken);
    h.clock.advance(301);
    const lateRegistration = await submitRegistration(h, aliceToken, 'Late', newAuthenticator().create(fresh));
    assert.equal(lateRegistration.statusCode, 400);
    assert.equal(problemOf(lateRegistration).code, 'invalid_passkey_challenge');
  });

  it("another user's passkey or challenge: not found, refused, nothing changed", async () => {
    const key = newAuthenticator();
    const alices = await registerPasskey(h, aliceToken, key, 'Mine');
    for (const request of [
      { method: 'PATCH' as const, url: `/api/users/me/passkeys/${alices.id}`, payload: { name: 'Stolen' } },
      { method: 'DELETE' as const, url: `/api/users/me/passkeys/${alices.id}` },
    ]) {
      const response = await h.app.inject({ ...request, headers: bearer(bobToken) });
      assert.equal(response.statusCode, 404, `${request.method}`);
      assert.equal(problemOf(response).code, 'not_found');
    }
    assert.equal((await list(aliceToken)).find((p) => p.id === alices.id)?.name, 'Mine');
    // Alice's registration challenge answered in Bob's session.
    const options = await registrationOptions(h, aliceToken);
    const crossed = await submitRegistration(h, bobToken, 'Crossed', newAuthenticator().create(options));
    assert.equal(problemOf(crossed).code, 'invalid_passkey_challenge');
    // An assertion claiming Bob's user handle with Alice's credential.
    const handle = await signInWith(h, key, { userHandle: Buffer.from(bob.id).toString('base64url') });
    assert.equal(handle.statusCode, 401);
    assert.equal(problemOf(handle).code, 'invalid_passkey');
    // The same credential registered again (by anyone): a conflict.
    const conflict = await submitRegistration(
      h,
      bobToken,
      'Dup',
      key.create(await registrationOptions(h, bobToken), { credentialId: alices.id }),
    );
    assert.equal(conflict.statusCode, 409, conflict.body);
    assert.equal(problemOf(conflict).code, 'conflict');
    // A response whose id is not the credential's in the attested data.
    const mismatched = key.create(await registrationOptions(h, bobToken));
    mismatched.id = alices.id;
    mismatched.rawId = alices.id;
    assert.equal(
      problemOf(await submitRegistration(h, bobToken, 'Mismatch', mismatched)).code,
      'invalid_passkey_registration',
    );
  });

  it('every event is audited without challenges, signatures or keys; nothing of them is logged', async () => {
    for (const type of [
      'passkey.registered',
      'passkey.renamed',
      'passkey.removed',
      'passkey.registration_failed',
      'login.passkey_succeeded',
      'login.passkey_failed',
    ]) {
      assert.ok((await h.store.audit.list({ type }, { limit: 1 })).items.length === 1, type);
    }
    const key = newAuthenticator();
    await registerPasskey(h, aliceToken, key, 'Audited');
    const options = await signInOptions(h);
    const assertion = key.get(options);
    await submitSignIn(h, assertion);
    const audited: unknown[] = [];
    for (
      let cursor: string | undefined, page;
      (page = await h.store.audit.list({}, { limit: 100, cursor })).items.length > 0;
      cursor = page.nextCursor ?? undefined
    ) {
      audited.push(...page.items);
      if (page.nextCursor === null || page.nextCursor === undefined) break;
    }
    const everything = JSON.stringify(audited) + h.logs.join('');
    for (const secret of [options.challenge, assertion.response.signature, assertion.response.clientDataJSON])
      assert.ok(!everything.includes(secret), 'a ceremony secret leaked');
  });
});

describe('passkeys: failed sign-ins count in the login throttle', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness(
      {},
      {
        throttle: {
          policy: {
            failuresPerUserIp: 2,
            failuresPerIpPerDay: 100_000,
            attemptsPerIpPerSecond: 100_000,
            refreshPerIpPerMinute: 100_000,
            writesPerUserPerMinute: 100_000,
          },
        },
      },
    );
  });
  after(() => h.close());

  it('after the allowed failures the account is blocked for the address, even with a good assertion', async () => {
    const carol = await h.addUser('carol', 'clerk');
    const token = (await h.login('carol', carol.password)).access_token;
    const key = newAuthenticator();
    await registerPasskey(h, token, key, 'Key');
    for (let i = 0; i < 2; i += 1)
      assert.equal((await signInWith(h, key, { origin: 'https://evil.example' })).statusCode, 401);
    const blocked = await signInWith(h, key);
    assert.equal(blocked.statusCode, 429);
    assert.equal(problemOf(blocked).code, 'too_many_requests');
    assert.ok(Number((await h.store.loginFailures.list(carol.id))[0]?.failures) >= 2);
  });
});
