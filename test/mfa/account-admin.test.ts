import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, createHarness, decodeJwt, problemOf, type Harness } from '../helpers/harness.js';
import { auditTypes, codeNow, enrolledUser, mfaStep, passwordStep } from './helpers.js';

const login = (h: Harness, username: string, password: string, userAgent?: string) =>
  h.app.inject({
    method: 'POST',
    url: '/api/users-sessions',
    payload: { username, password },
    headers: userAgent === undefined ? {} : { 'user-agent': userAgent },
  });

describe('account administration', () => {
  let h: Harness;
  let adminToken: string;
  before(async () => {
    h = await createHarness();
    const admin = await h.addUser('root', 'admin');
    adminToken = (await h.login(admin.username, admin.password)).access_token;
  });
  after(() => h.close());

  it('password reset: a one-time password, sessions ended, and a new password chosen at the next login', async () => {
    const user = await h.addUser('forgetful', 'clerk');
    const old = await h.login(user.username, user.password);
    const reset = await h.app.inject({
      method: 'POST',
      url: `/api/users/${user.id}/password-reset`,
      headers: bearer(adminToken),
    });
    assert.equal(reset.statusCode, 200, reset.body);
    assert.equal(reset.headers['cache-control'], 'no-store');
    const { one_time_password: otp } = reset.json<{ one_time_password: string }>();
    assert.match(otp, /^[A-Za-z0-9_-]{5}(-[A-Za-z0-9_-]{5}){3}$/);
    assert.equal(
      (await h.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(old.access_token) })).statusCode,
      401,
      'old sessions end',
    );
    assert.equal(problemOf(await login(h, user.username, user.password)).code, 'invalid_credentials');

    const step = await login(h, user.username, otp);
    const body = problemOf(step) as Record<string, unknown>;
    assert.equal(body.code, 'password_change_required');
    assert.equal(body.expires_in, 300);
    const token = body.password_change_token as string;
    const change = (newPassword: string) =>
      h.app.inject({
        method: 'POST',
        url: '/api/users-sessions/password-change',
        payload: { password_change_token: token, new_password: newPassword },
      });
    assert.equal(problemOf(await change(otp)).code, 'invalid_request', 'the one-time password cannot stay');
    assert.equal(problemOf(await change('short')).code, 'invalid_request');
    const done = await change('a-Brand-New-Passphrase-7');
    assert.equal(done.statusCode, 201, done.body);
    assert.deepEqual(decodeJwt(done.json<{ access_token: string }>().access_token).claims.amr, ['pwd']);
    assert.equal(problemOf(await change('another-Passphrase-8')).code, 'invalid_login_token', 'single use');
    assert.equal((await login(h, user.username, 'a-Brand-New-Passphrase-7')).statusCode, 201, 'no more steps');
    assert.equal(problemOf(await login(h, user.username, otp)).code, 'invalid_credentials');
    const events = await auditTypes(h);
    for (const type of ['password.reset', 'login.password_change_required', 'password.changed'])
      assert.ok(events.includes(type), type);
    assert.ok(!JSON.stringify((await h.store.audit.list({}, { limit: 100 })).items).includes(otp));
  });

  it('an enrolled user whose password was reset gives the code first, then the new password; amr keeps otp', async () => {
    const user = await enrolledUser(h, 'both-steps', 'clerk');
    const otp = (
      await h.app.inject({ method: 'POST', url: `/api/users/${user.id}/password-reset`, headers: bearer(adminToken) })
    ).json<{ one_time_password: string }>().one_time_password;
    const afterCode = await mfaStep(h, await passwordStep(h, user.username, otp), codeNow(h, user.secret));
    const body = problemOf(afterCode) as Record<string, unknown>;
    assert.equal(body.code, 'password_change_required');
    const done = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/password-change',
      payload: { password_change_token: body.password_change_token, new_password: 'Second-Step-Passphrase-9' },
    });
    assert.equal(done.statusCode, 201, done.body);
    assert.deepEqual(decodeJwt(done.json<{ access_token: string }>().access_token).claims.amr, ['pwd', 'otp']);
  });

  it('admins reset MFA, enable users, and only admins may', async () => {
    const user = await enrolledUser(h, 'lost-phone', 'employee');
    const own = (await mfaStep(h, await passwordStep(h, user.username, user.password), codeNow(h, user.secret))).json<{
      access_token: string;
    }>().access_token;
    assert.equal(
      problemOf(await h.app.inject({ method: 'DELETE', url: `/api/users/${user.id}/mfa`, headers: bearer(own) })).code,
      'forbidden',
    );
    assert.equal(
      (await h.app.inject({ method: 'DELETE', url: `/api/users/${user.id}/mfa`, headers: bearer(adminToken) }))
        .statusCode,
      204,
    );
    assert.equal((await login(h, user.username, user.password)).statusCode, 201, 'password only now');
    assert.ok((await auditTypes(h)).includes('mfa.reset'));

    assert.equal(
      (
        await h.app.inject({
          method: 'PATCH',
          url: `/api/users/${user.id}`,
          headers: bearer(adminToken),
          payload: { disabled: true },
        })
      ).statusCode,
      200,
    );
    assert.equal(problemOf(await login(h, user.username, user.password)).code, 'invalid_credentials');
    assert.equal(
      (
        await h.app.inject({
          method: 'PATCH',
          url: `/api/users/${user.id}`,
          headers: bearer(adminToken),
          payload: { disabled: false },
        })
      ).statusCode,
      200,
    );
    const relogin = await login(h, user.username, user.password);
    assert.equal(relogin.statusCode, 201);
    const fresh = relogin.json<{ access_token: string }>().access_token;
    assert.equal(
      (await h.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(own) })).statusCode,
      401,
      'disabling ended the old session',
    );
    for (const url of [`/api/users/${user.id}/password-reset`, `/api/users/${user.id}/unlock`]) {
      assert.equal(problemOf(await h.app.inject({ method: 'POST', url, headers: bearer(fresh) })).code, 'forbidden');
    }
    assert.equal(
      problemOf(
        await h.app.inject({
          method: 'POST',
          url: '/api/users/no-such-user/password-reset',
          headers: bearer(adminToken),
        }),
      ).code,
      'not_found',
    );
  });

  it("removal of one's own authenticator needs the password", async () => {
    const user = await enrolledUser(h, 'remover', 'clerk');
    const token = (
      await mfaStep(h, await passwordStep(h, user.username, user.password), codeNow(h, user.secret))
    ).json<{ access_token: string }>().access_token;
    const remove = (password: string) =>
      h.app.inject({ method: 'DELETE', url: '/api/users/me/mfa/totp', headers: bearer(token), payload: { password } });
    assert.equal(problemOf(await remove('wrong-password-here')).code, 'invalid_credentials');
    assert.equal((await remove(user.password)).statusCode, 204);
    assert.equal(problemOf(await remove(user.password)).code, 'not_found');
    assert.equal((await login(h, user.username, user.password)).statusCode, 201);
  });

  it('enrolment: otpauth URI, a wrong confirmation code refused, a second enrolment refused, secret sealed and codes hashed at rest', async () => {
    const user = await h.addUser('enroller', 'clerk');
    const token = (await h.login(user.username, user.password)).access_token;
    const started = await h.app.inject({ method: 'POST', url: '/api/users/me/mfa/totp', headers: bearer(token) });
    const { secret, otpauth_uri: uri } = started.json<{ secret: string; otpauth_uri: string }>();
    assert.match(secret, /^[A-Z2-7]{32}$/, '160-bit base32');
    // SHA-1, 6 digits and 30 s are the Key URI format's defaults, so the URI leaves them out.
    assert.equal(uri, `otpauth://totp/Bulwark:enroller?secret=${secret}&issuer=Bulwark`);
    const status = async () =>
      (await h.app.inject({ method: 'GET', url: '/api/users/me/mfa', headers: bearer(token) })).json<{
        totp: boolean;
        recovery_codes_left: number;
      }>();
    assert.equal((await status()).totp, false, 'not before confirmation');
    assert.equal(
      (await login(h, user.username, user.password)).statusCode,
      201,
      'an unconfirmed enrolment does not change login',
    );
    const wrong = await h.app.inject({
      method: 'POST',
      url: '/api/users/me/mfa/totp/confirm',
      headers: bearer(token),
      payload: { code: codeNow(h, secret) === '000000' ? '111111' : '000000' },
    });
    assert.equal(problemOf(wrong).code, 'invalid_mfa_code');
    const confirmed = await h.app.inject({
      method: 'POST',
      url: '/api/users/me/mfa/totp/confirm',
      headers: bearer(token),
      payload: { code: codeNow(h, secret) },
    });
    const codes = confirmed.json<{ recovery_codes: string[] }>().recovery_codes;
    assert.deepEqual(await status(), {
      totp: true,
      confirmed_at: new Date(h.clock.now()).toISOString(),
      recovery_codes_left: 10,
    });
    assert.equal(
      problemOf(await h.app.inject({ method: 'POST', url: '/api/users/me/mfa/totp', headers: bearer(token) })).code,
      'conflict',
    );
    assert.equal(
      problemOf(
        await h.app.inject({
          method: 'POST',
          url: '/api/users/me/mfa/totp/confirm',
          headers: bearer(token),
          payload: { code: codeNow(h, secret) },
        }),
      ).code,
      'conflict',
    );

    const enrolment = await h.store.mfa.findEnrolment(user.id);
    assert.ok(enrolment !== undefined && enrolment.secretSealed.startsWith('v1.'));
    assert.ok(!enrolment.secretSealed.includes(secret));
    const stored = await h.store.mfa.unusedRecoveryCodes(user.id);
    assert.equal(stored.length, 10);
    for (const code of codes) assert.ok(!stored.includes(code) && !stored.includes(code.replaceAll('-', '')));
  });

  it('repeated failures are visible per account and address; an unlock clears them and lifts the block', async () => {
    const strict = await createHarness(
      {},
      { throttle: { policy: { failuresPerUserIp: 3, failuresPerIpPerDay: 1000, attemptsPerIpPerSecond: 1000 } } },
    );
    try {
      const admin = await strict.addUser('boss', 'admin');
      const bossToken = (await strict.login(admin.username, admin.password)).access_token;
      const user = await enrolledUser(strict, 'guessed', 'clerk');
      await login(strict, user.username, 'wrong-password-1');
      const failures = async () =>
        (
          await strict.app.inject({
            method: 'GET',
            url: `/api/users/${user.id}/login-failures`,
            headers: bearer(bossToken),
          })
        ).json<{
          failures: number;
          locked: boolean;
          addresses: Array<{ ip: string; failures: number; blocked_seconds: number }>;
        }>();
      assert.equal((await failures()).failures, 1);

      // Codes are throttled like passwords: three wrong codes block this account from this address.
      for (let i = 0; i < 3; i++) {
        const wrong = await mfaStep(strict, await passwordStep(strict, user.username, user.password), '000000');
        assert.equal(problemOf(wrong).code, 'invalid_mfa_code');
      }
      const blocked = await mfaStep(
        strict,
        await passwordStep(strict, user.username, user.password),
        codeNow(strict, user.secret),
      );
      assert.equal(blocked.statusCode, 429);
      assert.equal(problemOf(blocked).code, 'too_many_requests');
      assert.ok(Number(blocked.headers['retry-after']) > 0);
      const view = await failures();
      assert.equal(view.failures, 4);
      assert.equal(view.locked, true);
      assert.equal(view.addresses[0]?.ip, '127.0.0.1');
      assert.ok((view.addresses[0]?.blocked_seconds ?? 0) > 0);

      assert.equal(
        (await strict.app.inject({ method: 'POST', url: `/api/users/${user.id}/unlock`, headers: bearer(bossToken) }))
          .statusCode,
        204,
      );
      assert.deepEqual(await failures(), { user_id: user.id, failures: 0, locked: false, addresses: [] });
      const unlocked = await mfaStep(
        strict,
        await passwordStep(strict, user.username, user.password),
        codeNow(strict, user.secret),
      );
      assert.equal(unlocked.statusCode, 201, unlocked.body);
      assert.ok((await auditTypes(strict)).includes('user.unlocked'));
      assert.ok((await auditTypes(strict)).includes('login.mfa_throttled'));
    } finally {
      await strict.close();
    }
  });
});

describe('own sessions', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  it("lists the caller's active sessions with device, address and last use, and ends one", async () => {
    const user = await h.addUser('traveller', 'employee');
    const other = await h.addUser('stranger', 'employee');
    const laptop = (
      await login(
        h,
        user.username,
        user.password,
        'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
      )
    ).json<{ access_token: string; refresh_token: string; session_id: string }>();
    h.clock.advance(60);
    const phone = (
      await login(
        h,
        user.username,
        user.password,
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      )
    ).json<{ access_token: string; refresh_token: string; session_id: string }>();
    const strangers = (await h.login(other.username, other.password)).session_id;
    h.clock.advance(60);
    await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/refresh',
      payload: { refresh_token: laptop.refresh_token },
    });

    const list = await h.app.inject({
      method: 'GET',
      url: '/api/users/me/sessions',
      headers: bearer(phone.access_token),
    });
    assert.equal(list.statusCode, 200, list.body);
    const items = list.json<{ items: Array<Record<string, unknown>> }>().items;
    assert.equal(items.length, 2);
    const byId = new Map(items.map((s) => [s.id, s]));
    assert.deepEqual(byId.get(phone.session_id), {
      id: phone.session_id,
      device: 'Safari on iOS',
      ip: '127.0.0.1',
      created_at: new Date(h.clock.now() - 60_000).toISOString(),
      last_used_at: new Date(h.clock.now() - 60_000).toISOString(),
      expires_at: new Date(h.clock.now() - 60_000 + 28_800_000).toISOString(),
      current: true,
      amr: ['pwd'],
    });
    assert.equal(byId.get(laptop.session_id)?.device, 'Firefox on Linux');
    assert.equal(
      byId.get(laptop.session_id)?.last_used_at,
      new Date(h.clock.now()).toISOString(),
      'last use = last refresh',
    );
    assert.equal(byId.get(laptop.session_id)?.current, false);

    assert.equal(
      problemOf(
        await h.app.inject({
          method: 'DELETE',
          url: `/api/users/me/sessions/${strangers}`,
          headers: bearer(phone.access_token),
        }),
      ).code,
      'not_found',
    );
    assert.equal(
      (
        await h.app.inject({
          method: 'DELETE',
          url: `/api/users/me/sessions/${laptop.session_id}`,
          headers: bearer(phone.access_token),
        })
      ).statusCode,
      204,
    );
    const gone = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/refresh',
      payload: { refresh_token: laptop.refresh_token },
    });
    assert.equal(gone.statusCode, 401);
    assert.equal(
      (await h.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(laptop.access_token) })).statusCode,
      401,
      'its access token stops at once',
    );
    const after = (
      await h.app.inject({ method: 'GET', url: '/api/users/me/sessions', headers: bearer(phone.access_token) })
    ).json<{ items: unknown[] }>().items;
    assert.equal(after.length, 1);
  });
});
