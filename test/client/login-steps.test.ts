import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { beforeEach, describe, it } from 'node:test';
import {
  BulwarkMfaRequiredError,
  BulwarkPasswordChangeRequiredError,
  BulwarkProblemError,
  BulwarkStepUpRequiredError,
  type BulwarkClient,
} from '@bulwark/client';
import { ALICE, ALICE_PASSWORD } from './support/fake-server.js';
import { loginStepsLayer, RECOVERY_CODE, TOTP_CODE, type LoginStepsLayer } from './support/login-steps-layer.js';
import { useOneTabHarness } from './support/one-tab.js';

const h = useOneTabHarness();
let layer: LoginStepsLayer;
const newClient = (): BulwarkClient => h.newClient({ fetch: layer.fetch });

beforeEach(() => {
  layer = loginStepsLayer(h.jar.fetch);
});

async function mfaChallenge(client: BulwarkClient): Promise<BulwarkMfaRequiredError> {
  const error = await client.signIn('alice-mfa', ALICE_PASSWORD).catch((e: unknown) => e);
  assert.ok(error instanceof BulwarkMfaRequiredError, `signIn threw ${String(error)}`);
  return error;
}

describe('signIn with a second factor (issue #13)', () => {
  it('mfa_required throws an error whose complete(code) finishes the login in cookie mode', async () => {
    const client = newClient();
    const signins: unknown[] = [];
    client.on('signin', (user) => signins.push(user));
    const challenge = await mfaChallenge(client);

    assert.ok(challenge instanceof BulwarkProblemError);
    assert.deepEqual(
      [challenge.status, challenge.code, challenge.name],
      [401, 'mfa_required', 'BulwarkMfaRequiredError'],
    );
    assert.equal(client.user, null, 'not signed in before the code');
    assert.equal(h.jar.cookies.has('bulwark_refresh'), false);

    assert.deepEqual(await challenge.complete(TOTP_CODE), ALICE);

    assert.deepEqual(client.user, ALICE);
    assert.deepEqual(signins, [ALICE]);
    assert.ok(h.jar.cookies.has('bulwark_refresh'), 'the refresh token came as the cookie');
    const step = layer.received.find((r) => r.path === '/api/users-sessions/mfa');
    assert.deepEqual(step?.body, {
      mfa_token: layer.issuedLoginTokens[0],
      code: TOTP_CODE,
      refresh_delivery: 'cookie',
    });
    const token = h.server.issuedAccessTokens.at(-1)!;
    assert.equal(h.server.calls.at(-1)?.authorization, `Bearer ${token}`, '/api/users/me with the new token');
  });

  it('the mfa_token is in no property, message or inspection of the error', async () => {
    const challenge = await mfaChallenge(newClient());
    const mfaToken = layer.issuedLoginTokens[0]!;
    const seen = [
      JSON.stringify(challenge),
      inspect(challenge, { showHidden: true, depth: 5 }),
      challenge.message,
      String(challenge.stack),
      ...Object.values(challenge).map(String),
    ];
    for (const text of seen) assert.ok(!text.includes(mfaToken), `the mfa_token leaked in: ${text.slice(0, 200)}`);
  });

  it('a wrong code rejects with invalid_mfa_code and the same challenge takes the right one after', async () => {
    const client = newClient();
    const challenge = await mfaChallenge(client);
    const wrong = await challenge.complete('000000').catch((e: unknown) => e);
    assert.ok(wrong instanceof BulwarkProblemError);
    assert.deepEqual([wrong.status, wrong.code], [401, 'invalid_mfa_code']);
    assert.equal(client.user, null);
    assert.deepEqual(await challenge.complete(TOTP_CODE), ALICE);
    const replay = await challenge.complete(TOTP_CODE).catch((e: unknown) => e);
    assert.equal((replay as BulwarkProblemError).code, 'invalid_login_token', 'the mfa_token is single use');
  });

  it('a recovery code goes through the same complete(), and works once', async () => {
    assert.deepEqual(await (await mfaChallenge(newClient())).complete(RECOVERY_CODE), ALICE);
    const again = await (await mfaChallenge(newClient())).complete(RECOVERY_CODE).catch((e: unknown) => e);
    assert.equal((again as BulwarkProblemError).code, 'invalid_mfa_code');
  });

  it('password_change_required throws an error whose changePassword() finishes the login', async () => {
    const client = newClient();
    const error = await client.signIn('alice-reset', ALICE_PASSWORD).catch((e: unknown) => e);
    assert.ok(error instanceof BulwarkPasswordChangeRequiredError);
    assert.deepEqual([error.status, error.code], [401, 'password_change_required']);
    const short = await error.changePassword('short').catch((e: unknown) => e);
    assert.equal((short as BulwarkProblemError).code, 'invalid_request');
    assert.equal(client.user, null);
    assert.deepEqual(await error.changePassword('a much longer new password'), ALICE);
    const step = layer.received.find(
      (r) => r.path === '/api/users-sessions/password-change' && r.body.new_password !== 'short',
    );
    assert.deepEqual(step?.body, {
      password_change_token: layer.issuedLoginTokens[0],
      new_password: 'a much longer new password',
      refresh_delivery: 'cookie',
    });
    assert.ok(!inspect(error, { showHidden: true }).includes(layer.issuedLoginTokens[0]!));
  });

  it('the code step may itself ask for a password change (an admin reset of an enrolled user)', async () => {
    layer.changeAfterMfa = true;
    const client = newClient();
    const next = await (await mfaChallenge(client)).complete(TOTP_CODE).catch((e: unknown) => e);
    assert.ok(next instanceof BulwarkPasswordChangeRequiredError);
    assert.deepEqual(await next.changePassword('a much longer new password'), ALICE);
    assert.deepEqual(client.user, ALICE);
  });

  it('a wrong password is still a plain invalid_credentials problem', async () => {
    const error = await newClient()
      .signIn('alice-mfa', 'wrong')
      .catch((e: unknown) => e);
    assert.ok(error instanceof BulwarkProblemError);
    assert.ok(!(error instanceof BulwarkMfaRequiredError));
    assert.equal(error.code, 'invalid_credentials');
  });
});

describe('step-up (RFC 9470) on a write', () => {
  it('insufficient_user_authentication throws BulwarkStepUpRequiredError and keeps the tab signed in', async () => {
    const client = newClient();
    await client.signIn('alice', ALICE_PASSWORD);
    const token = h.server.issuedAccessTokens.at(-1)!;
    let signouts = 0;
    client.on('signout', () => signouts++);
    layer.stepUp = true;

    const error = await client
      .request('POST', '/api/payments', { body: { amount_cents: 100 } })
      .catch((e: unknown) => e);

    assert.ok(error instanceof BulwarkStepUpRequiredError);
    assert.ok(error instanceof BulwarkProblemError);
    assert.deepEqual(
      [error.status, error.code, error.title],
      [401, 'insufficient_user_authentication', 'More recent authentication is required'],
    );
    assert.equal(signouts, 0);
    assert.deepEqual(client.user, ALICE);
    assert.equal(h.server.count('POST', '/api/users-sessions/refresh'), 0, 'not mistaken for an expired token');
    await client.request('GET', '/api/payments');
    assert.equal(h.server.calls.at(-1)?.authorization, `Bearer ${token}`, 'the same token still works for reads');
  });
});
