import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { totpCode } from '../../src/auth/mfa/totp.js';
import { createHarness, decodeJwt, problemOf, type Harness, type LoginBody } from '../helpers/harness.js';
import { enrolledUser, passwordStep, type Enrolled } from '../mfa/helpers.js';
import type { AuthenticationOptionsJSON } from './authenticator.js';
import { newAuthenticator, registerPasskey } from './helpers.js';

describe('a passkey as the second step of a password login (instead of the TOTP code)', () => {
  let h: Harness;
  let alice: Enrolled;
  let bob: Enrolled;
  const aliceKey = newAuthenticator();
  const bobKey = newAuthenticator();
  before(async () => {
    h = await createHarness();
    alice = await enrolledUser(h, 'alice');
    bob = await enrolledUser(h, 'bob');
    const token = async (user: Enrolled) => {
      // A session to register with: password + code (the enrolled users' only way in so far).
      const step = await passwordStep(h, user.username, user.password);
      h.clock.advance(30);
      const done = await h.app.inject({
        method: 'POST',
        url: '/api/users-sessions/mfa',
        payload: { mfa_token: step, code: totpCode(user.secret, h.clock.now()) },
      });
      assert.equal(done.statusCode, 201, done.body);
      return done.json<LoginBody>().access_token;
    };
    await registerPasskey(h, await token(alice), aliceKey, 'Alice key');
    await registerPasskey(h, await token(bob), bobKey, 'Bob key');
  });
  after(() => h.close());

  const options = async (mfaToken: string) => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/mfa/passkey/options',
      payload: { mfa_token: mfaToken },
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.json<AuthenticationOptionsJSON & { allowCredentials: Array<{ id: string }> }>();
  };
  const complete = (mfaToken: string, response: unknown) =>
    h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/mfa/passkey',
      payload: { mfa_token: mfaToken, response },
    });

  it("the mfa_token and the user's own passkey finish the login: amr pwd + hwk, user, mfa; the token is then used up", async () => {
    const mfaToken = await passwordStep(h, 'alice', alice.password);
    const offered = await options(mfaToken);
    assert.deepEqual(
      offered.allowCredentials.map((c) => c.id),
      [aliceKey.credentials[0]?.id.toString('base64url')],
    );
    const done = await complete(mfaToken, aliceKey.get(offered));
    assert.equal(done.statusCode, 201, done.body);
    const { claims } = decodeJwt(done.json<LoginBody>().access_token);
    assert.equal(claims.sub, alice.id);
    assert.deepEqual(claims.amr, ['pwd', 'hwk', 'user', 'mfa']);
    const again = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/mfa/passkey/options',
      payload: { mfa_token: mfaToken },
    });
    assert.equal(problemOf(again).code, 'invalid_login_token');
  });

  it("another user's passkey, a sign-in challenge, or a replayed challenge does not finish it; wrong answers spend the mfa_token", async () => {
    const mfaToken = await passwordStep(h, 'alice', alice.password);
    const offered = await options(mfaToken);
    const bobs = await complete(mfaToken, bobKey.get(offered));
    assert.deepEqual([bobs.statusCode, problemOf(bobs).code], [401, 'invalid_passkey']);
    // The challenge was used up by that attempt.
    const replay = await complete(mfaToken, aliceKey.get(offered));
    assert.deepEqual([replay.statusCode, problemOf(replay).code], [400, 'invalid_passkey_challenge']);
    const signInChallenge = (
      await h.app.inject({ method: 'POST', url: '/api/users-sessions/passkey/options' })
    ).json<AuthenticationOptionsJSON>();
    assert.equal(problemOf(await complete(mfaToken, aliceKey.get(signInChallenge))).code, 'invalid_passkey_challenge');
    const wrongOrigin = await complete(
      mfaToken,
      aliceKey.get(await options(mfaToken), { origin: 'https://evil.example' }),
    );
    assert.equal(problemOf(wrongOrigin).code, 'invalid_passkey');
    // Four failures so far; the fifth spends the token: even the right passkey is then refused.
    await complete(mfaToken, aliceKey.get(await options(mfaToken), { uv: false }));
    const spent = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/mfa/passkey/options',
      payload: { mfa_token: mfaToken },
    });
    assert.equal(problemOf(spent).code, 'invalid_login_token');
    const types = (await h.store.audit.list({ type: 'login.mfa_failed' }, { limit: 10 })).items.map(
      (e) => (e.details as { method?: string }).method,
    );
    assert.ok(types.every((m) => m === 'passkey') && types.length === 5);
  });

  it('an account without passkeys is told to use its code: 409', async () => {
    const carol = await enrolledUser(h, 'carol');
    const mfaToken = await passwordStep(h, 'carol', carol.password);
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/mfa/passkey/options',
      payload: { mfa_token: mfaToken },
    });
    assert.deepEqual([response.statusCode, problemOf(response).code], [409, 'conflict']);
  });
});
