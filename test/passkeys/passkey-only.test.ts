import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROBLEM_CODE } from '@bulwark/contract/registry';
import { bearer, createHarness, decodeJwt, problemOf, type Harness, type LoginBody } from '../helpers/harness.js';
import { codeNow, enrolledUser } from '../mfa/helpers.js';
import type { AuthenticationOptionsJSON } from './authenticator.js';
import { newAuthenticator, registerPasskey } from './helpers.js';

describe('a passkey is a second factor: with one, the password alone no longer signs in', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  const passwordLogin = (username: string, password: string) =>
    h.app.inject({ method: 'POST', url: '/api/users-sessions', payload: { username, password } });

  it('a passkey-only account: 401 mfa_required offering only the passkey; a code does not finish it, the passkey does', async () => {
    const carol = await h.addUser('carol', 'clerk');
    const key = newAuthenticator();
    await registerPasskey(h, (await h.login('carol', carol.password)).access_token, key, 'Key');

    const first = await passwordLogin('carol', carol.password);
    assert.equal(first.statusCode, 401, first.body);
    const body = first.json<{ code: string; mfa_token: string; methods: string[]; detail: string }>();
    assert.equal(body.code, PROBLEM_CODE.mfa_required);
    assert.deepEqual(body.methods, ['passkey']);
    assert.match(body.detail, /passkey/);

    const code = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/mfa',
      payload: { mfa_token: body.mfa_token, code: '123456' },
    });
    assert.equal(code.statusCode, 401, code.body);
    assert.equal(problemOf(code).code, PROBLEM_CODE.invalid_mfa_code);

    const options = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/mfa/passkey/options',
      payload: { mfa_token: body.mfa_token },
    });
    assert.equal(options.statusCode, 200, options.body);
    const done = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/mfa/passkey',
      payload: { mfa_token: body.mfa_token, response: key.get(options.json<AuthenticationOptionsJSON>()) },
    });
    assert.equal(done.statusCode, 201, done.body);
    assert.deepEqual(decodeJwt(done.json<LoginBody>().access_token).claims.amr, ['pwd', 'hwk', 'user', 'mfa']);

    // Its last passkey removed, the password alone signs in again.
    const token = done.json<LoginBody>().access_token;
    const listed = await h.app.inject({ method: 'GET', url: '/api/users/me/passkeys', headers: bearer(token) });
    const [only] = listed.json<{ items: Array<{ id: string }> }>().items;
    assert.equal(
      (
        await h.app.inject({
          method: 'DELETE',
          url: `/api/users/me/passkeys/${only?.id ?? ''}`,
          headers: bearer(token),
        })
      ).statusCode,
      204,
    );
    assert.equal((await passwordLogin('carol', carol.password)).statusCode, 201);
  });

  it('with TOTP and a passkey both are offered; a TOTP-only account is offered the code', async () => {
    const dave = await enrolledUser(h, 'dave');
    const totpOnly = await passwordLogin('dave', dave.password);
    assert.deepEqual(totpOnly.json<{ methods: string[] }>().methods, ['totp']);
    h.clock.advance(30);
    const done = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/mfa',
      payload: { mfa_token: totpOnly.json<{ mfa_token: string }>().mfa_token, code: codeNow(h, dave.secret) },
    });
    assert.equal(done.statusCode, 201, done.body);
    await registerPasskey(h, done.json<LoginBody>().access_token, newAuthenticator(), 'Key');
    assert.deepEqual((await passwordLogin('dave', dave.password)).json<{ methods: string[] }>().methods, [
      'totp',
      'passkey',
    ]);
  });
});
