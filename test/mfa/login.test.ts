import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, createHarness, decodeJwt, problemOf, type Harness } from '../helpers/harness.js';
import { auditTypes, codeNow, enrolledUser, loginWithMfa, mfaStep, passwordStep } from './helpers.js';

describe('two-step login of an enrolled user', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  it('answers the password with 401 mfa_required and a single-use mfa_token, then the pair for the code', async () => {
    const user = await enrolledUser(h, 'two-step');
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      payload: { username: user.username, password: user.password },
    });
    const body = problemOf(response) as ReturnType<typeof problemOf> & { mfa_token: string; expires_in: number };
    assert.equal(response.statusCode, 401);
    assert.equal(body.code, 'mfa_required');
    assert.match(body.mfa_token, /^blt_[A-Za-z0-9_-]{43}$/);
    assert.equal(body.expires_in, 300);
    assert.equal(response.headers['www-authenticate'], 'Bearer realm="bulwark"');
    assert.equal(response.headers['set-cookie'], undefined, 'no refresh cookie before the second factor');

    const done = await mfaStep(h, body.mfa_token, codeNow(h, user.secret));
    assert.equal(done.statusCode, 201, done.body);
    const pair = done.json<{ access_token: string; refresh_token: string }>();
    const { claims } = decodeJwt(pair.access_token);
    assert.deepEqual(claims.amr, ['pwd', 'otp']);
    assert.equal(claims.auth_time, Math.floor(h.clock.now() / 1000));

    const again = await mfaStep(h, body.mfa_token, codeNow(h, user.secret));
    assert.equal(problemOf(again).code, 'invalid_login_token');
    const types = await auditTypes(h);
    for (const type of [
      'mfa.enrolment_started',
      'mfa.enrolled',
      'login.mfa_required',
      'login.mfa_succeeded',
      'login.succeeded',
    ])
      assert.ok(types.includes(type), type);
  });

  it('a refresh keeps amr and the original auth_time', async () => {
    const user = await enrolledUser(h, 'refresher');
    const pair = await loginWithMfa(h, user);
    const authTime = decodeJwt(pair.access_token).claims.auth_time;
    h.clock.advance(600);
    const refreshed = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/refresh',
      payload: { refresh_token: pair.refresh_token },
    });
    assert.equal(refreshed.statusCode, 200, refreshed.body);
    const { claims } = decodeJwt(refreshed.json<{ access_token: string }>().access_token);
    assert.deepEqual(claims.amr, ['pwd', 'otp']);
    assert.equal(claims.auth_time, authTime);
    assert.ok((claims.iat as number) > (authTime as number));
  });

  it('a password-only user gets amr [pwd] and auth_time', async () => {
    const user = await h.addUser('plain', 'clerk');
    const pair = await h.login(user.username, user.password);
    const { claims } = decodeJwt(pair.access_token);
    assert.deepEqual(claims.amr, ['pwd']);
    assert.equal(claims.auth_time, Math.floor(h.clock.now() / 1000));
  });

  it("never accepts a TOTP code twice, even within its window; the next step's code works", async () => {
    const user = await enrolledUser(h, 'replayer');
    const code = codeNow(h, user.secret);
    assert.equal((await mfaStep(h, await passwordStep(h, user.username, user.password), code)).statusCode, 201);
    const replay = await mfaStep(h, await passwordStep(h, user.username, user.password), code);
    assert.equal(replay.statusCode, 401);
    assert.equal(problemOf(replay).code, 'invalid_mfa_code');
    h.clock.advance(30);
    assert.equal(
      (await mfaStep(h, await passwordStep(h, user.username, user.password), codeNow(h, user.secret))).statusCode,
      201,
    );
  });

  it('accepts a code one step old (drift), not two', async () => {
    const user = await enrolledUser(h, 'drifter');
    const codeAt = (offsetSeconds: number): string => {
      h.clock.advance(offsetSeconds);
      const code = codeNow(h, user.secret);
      h.clock.advance(-offsetSeconds);
      return code;
    };
    const oneOld = codeAt(0);
    h.clock.advance(30);
    assert.equal((await mfaStep(h, await passwordStep(h, user.username, user.password), oneOld)).statusCode, 201);
    h.clock.advance(90);
    const twoOld = await mfaStep(h, await passwordStep(h, user.username, user.password), codeAt(-60));
    assert.equal(problemOf(twoOld).code, 'invalid_mfa_code');
    assert.equal(
      (await mfaStep(h, await passwordStep(h, user.username, user.password), codeAt(30))).statusCode,
      201,
      'one step ahead',
    );
  });

  it('a recovery code works once, in any case and with or without dashes', async () => {
    const user = await enrolledUser(h, 'recoverer');
    assert.equal(user.recoveryCodes.length, 10);
    assert.equal(new Set(user.recoveryCodes).size, 10);
    for (const code of user.recoveryCodes) assert.match(code, /^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
    const code = user.recoveryCodes[0] as string;
    const first = await mfaStep(
      h,
      await passwordStep(h, user.username, user.password),
      code.toUpperCase().replaceAll('-', ''),
    );
    assert.equal(first.statusCode, 201, first.body);
    assert.deepEqual(decodeJwt(first.json<{ access_token: string }>().access_token).claims.amr, ['pwd', 'otp']);
    const second = await mfaStep(h, await passwordStep(h, user.username, user.password), code);
    assert.equal(problemOf(second).code, 'invalid_mfa_code');
    const status = await h.app.inject({
      method: 'GET',
      url: '/api/users/me/mfa',
      headers: bearer(first.json<{ access_token: string }>().access_token),
    });
    assert.equal(status.json<{ recovery_codes_left: number }>().recovery_codes_left, 9);
  });

  it('an mfa_token expires after 5 minutes, dies after 5 wrong codes, and unknown ones are refused alike', async () => {
    const user = await enrolledUser(h, 'expirer');
    const token = await passwordStep(h, user.username, user.password);
    h.clock.advance(301);
    assert.equal(problemOf(await mfaStep(h, token, codeNow(h, user.secret))).code, 'invalid_login_token');

    const spent = await passwordStep(h, user.username, user.password);
    for (let i = 0; i < 5; i++) assert.equal(problemOf(await mfaStep(h, spent, '000000')).code, 'invalid_mfa_code');
    assert.equal(problemOf(await mfaStep(h, spent, codeNow(h, user.secret))).code, 'invalid_login_token');
    assert.equal(problemOf(await mfaStep(h, `blt_${'A'.repeat(43)}`, '123456')).code, 'invalid_login_token');
    assert.equal(problemOf(await mfaStep(h, 'not-a-token', '123456')).code, 'invalid_login_token');
    const malformed = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/mfa',
      payload: { mfa_token: token, code: '12<>' },
    });
    assert.equal(problemOf(malformed).code, 'invalid_request');
  });

  it('a wrong password is still invalid_credentials, with no mfa_token', async () => {
    const user = await enrolledUser(h, 'wrongpw');
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      payload: { username: user.username, password: 'nope-nope-nope' },
    });
    const body = problemOf(response) as Record<string, unknown>;
    assert.equal(body.code, 'invalid_credentials');
    assert.equal(body.mfa_token, undefined);
  });

  it('never writes the secret, a code, a recovery code or an mfa_token to logs or audit details', async () => {
    const user = await enrolledUser(h, 'quiet');
    const token = await passwordStep(h, user.username, user.password);
    await mfaStep(h, token, '000000');
    await mfaStep(h, token, codeNow(h, user.secret));
    const audit = JSON.stringify((await h.store.audit.list({}, { limit: 100 })).items);
    const logs = h.logs.join('');
    for (const secret of [user.secret, token, ...user.recoveryCodes, codeNow(h, user.secret)]) {
      assert.ok(!logs.includes(secret), 'log leaks a secret');
      assert.ok(!audit.includes(secret), 'audit leaks a secret');
    }
  });
});
