import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { bearer, problemOf } from '../helpers/harness.js';
import { employeeBody, idem, paymentBody, payrollFixture, type PayrollFixture } from '../payroll/fixture.js';
import { codeNow, loginWithMfa, type Enrolled } from './helpers.js';

const CHALLENGE_AMR =
  'Bearer realm="bulwark", error="insufficient_user_authentication", error_description="A different authentication level is required", max_age=900';
const CHALLENGE_AGE =
  'Bearer realm="bulwark", error="insufficient_user_authentication", error_description="More recent authentication is required", max_age=900';

describe('RFC 9470 step-up of payroll writes (BULWARK_PAYROLL_WRITES_REQUIRE_MFA=1)', () => {
  let f: PayrollFixture;
  let alice: Enrolled;
  before(async () => {
    f = await payrollFixture({}, { BULWARK_PAYROLL_WRITES_REQUIRE_MFA: '1' });
    const token = f.tokens.admin;
    const started = await f.h.app.inject({ method: 'POST', url: '/api/users/me/mfa/totp', headers: bearer(token) });
    const { secret } = started.json<{ secret: string }>();
    const confirmed = await f.h.app.inject({
      method: 'POST',
      url: '/api/users/me/mfa/totp/confirm',
      headers: bearer(token),
      payload: { code: codeNow(f.h, secret) },
    });
    assert.equal(confirmed.statusCode, 200);
    f.h.clock.advance(30);
    alice = {
      id: f.adminId,
      username: 'alice',
      password: 'alice-Correct-Horse-42',
      secret,
      recoveryCodes: confirmed.json<{ recovery_codes: string[] }>().recovery_codes,
    };
  });
  after(() => f.close());

  it('a password-only admin token cannot pay, reverse or edit employees: 401 with the RFC 9470 challenge; reads work', async () => {
    const token = f.tokens.admin;
    const writes = [
      { method: 'POST' as const, url: '/api/payments', headers: idem(), payload: paymentBody(f.carol.id) },
      { method: 'POST' as const, url: `/api/payments/${f.carolPayment.id}/reversal`, headers: idem(), payload: {} },
      { method: 'POST' as const, url: '/api/employees', payload: employeeBody() },
      { method: 'PATCH' as const, url: `/api/employees/${f.carol.id}`, payload: { title: 'Lead' } },
    ];
    const before = await f.paymentCount();
    for (const write of writes) {
      const response = await f.h.app.inject({ ...write, headers: { ...bearer(token), ...(write.headers ?? {}) } });
      assert.equal(response.statusCode, 401, `${write.method} ${write.url}`);
      assert.equal(problemOf(response).code, 'insufficient_user_authentication');
      assert.equal(response.headers['www-authenticate'], CHALLENGE_AMR);
    }
    assert.equal(await f.paymentCount(), before, 'nothing was paid');
    assert.equal((await f.as('admin', { method: 'GET', url: '/api/payments' })).statusCode, 200);
  });

  it('roles are checked first: a clerk gets 403 forbidden, not a step-up challenge', async () => {
    const response = await f.as('clerk', {
      method: 'POST',
      url: '/api/payments',
      headers: idem(),
      payload: paymentBody(f.carol.id),
    });
    assert.equal(problemOf(response).code, 'forbidden');
  });

  it('after the second factor the admin pays, until auth_time is older than 900 s, refreshes or not', async () => {
    const pair = await loginWithMfa(f.h, alice);
    const paid = await f.h.app.inject({
      method: 'POST',
      url: '/api/payments',
      headers: { ...bearer(pair.access_token), ...idem() },
      payload: paymentBody(f.carol.id),
    });
    assert.equal(paid.statusCode, 201, paid.body);
    const edited = await f.h.app.inject({
      method: 'PATCH',
      url: `/api/employees/${f.carol.id}`,
      headers: bearer(pair.access_token),
      payload: { title: 'Payroll Lead' },
    });
    assert.equal(edited.statusCode, 200, edited.body);

    f.h.clock.advance(880);
    const refreshed = await f.h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/refresh',
      payload: { refresh_token: pair.refresh_token },
    });
    const fresh = refreshed.json<{ access_token: string; refresh_token: string }>();
    assert.equal(
      (
        await f.h.app.inject({
          method: 'POST',
          url: '/api/payments',
          headers: { ...bearer(fresh.access_token), ...idem() },
          payload: paymentBody(f.carol.id),
        })
      ).statusCode,
      201,
      'within 900 s',
    );

    f.h.clock.advance(30);
    const late = await f.h.app.inject({
      method: 'POST',
      url: '/api/payments',
      headers: { ...bearer(fresh.access_token), ...idem() },
      payload: paymentBody(f.carol.id),
    });
    assert.equal(late.statusCode, 401);
    assert.equal(problemOf(late).code, 'insufficient_user_authentication');
    assert.equal(late.headers['www-authenticate'], CHALLENGE_AGE);

    const again = await loginWithMfa(f.h, alice);
    assert.equal(
      (
        await f.h.app.inject({
          method: 'POST',
          url: '/api/payments',
          headers: { ...bearer(again.access_token), ...idem() },
          payload: paymentBody(f.carol.id),
        })
      ).statusCode,
      201,
      'a new login steps up',
    );
  });
});

describe('step-up settings', () => {
  it('on by default in production, off in development; the max age is BULWARK_STEP_UP_MAX_AGE (900 s)', () => {
    const production = loadConfig({
      BULWARK_ENV: 'production',
      BULWARK_TRUST_PROXY: '1',
      BULWARK_MASTER_KEY: 'q7Yx3Nw0bV8sLm2Pz5Rk9Tc4Hd6Gf1Ja0Ue7Wi3Xo8Q',
      BULWARK_DEMO: '0',
    });
    assert.deepEqual(production.stepUp, { payrollWrites: true, maxAgeSeconds: 900 });
    assert.deepEqual(loadConfig({}).stepUp, { payrollWrites: false, maxAgeSeconds: 900 });
    assert.deepEqual(loadConfig({ BULWARK_PAYROLL_WRITES_REQUIRE_MFA: '1', BULWARK_STEP_UP_MAX_AGE: '300' }).stepUp, {
      payrollWrites: true,
      maxAgeSeconds: 300,
    });
    assert.throws(() => loadConfig({ BULWARK_STEP_UP_MAX_AGE: '5' }), /BULWARK_STEP_UP_MAX_AGE/);
    assert.throws(
      () => loadConfig({ BULWARK_PAYROLL_WRITES_REQUIRE_MFA: 'maybe' }),
      /BULWARK_PAYROLL_WRITES_REQUIRE_MFA/,
    );
  });
});
