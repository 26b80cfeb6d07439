import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, problemOf, type LoginBody } from '../helpers/harness.js';
import { idem, paymentBody, payrollFixture, type PayrollFixture } from '../payroll/fixture.js';
import { newAuthenticator, registerPasskey, signInWith } from './helpers.js';

describe('a passkey sign-in satisfies the RFC 9470 step-up of payroll writes (BULWARK_PAYROLL_WRITES_REQUIRE_MFA=1)', () => {
  let f: PayrollFixture;
  before(async () => {
    f = await payrollFixture({}, { BULWARK_PAYROLL_WRITES_REQUIRE_MFA: '1', BULWARK_STEP_UP_MAX_AGE: '60' });
  });
  after(() => f.close());

  const pay = (token: string) =>
    f.h.app.inject({
      method: 'POST',
      url: '/api/payments',
      headers: { ...bearer(token), ...idem() },
      payload: paymentBody(f.carol.id),
    });

  it('the password-only token is refused; the passkey session pays, until its authentication is too old', async () => {
    const refused = await pay(f.tokens.admin);
    assert.equal(refused.statusCode, 401);
    assert.equal(problemOf(refused).code, 'insufficient_user_authentication');

    const key = newAuthenticator();
    await registerPasskey(f.h, f.tokens.admin, key, 'Key');
    const signedIn = await signInWith(f.h, key);
    assert.equal(signedIn.statusCode, 201, signedIn.body);
    const token = signedIn.json<LoginBody>().access_token;
    const before = await f.paymentCount();
    const paid = await pay(token);
    assert.equal(paid.statusCode, 201, paid.body);
    assert.equal(await f.paymentCount(), before + 1);

    f.h.clock.advance(61);
    const stale = await pay(token);
    assert.equal(stale.statusCode, 401);
    assert.equal(problemOf(stale).code, 'insufficient_user_authentication');
    assert.match(String(stale.headers['www-authenticate']), /More recent authentication is required/);
  });

  it("a clerk's passkey session is still not an admin: 403", async () => {
    const key = newAuthenticator();
    // Adding a passkey needs a recent login (the fixture's is older than the 60 s max age by now).
    const clerk = await f.h.login('bob', 'bob-Correct-Horse-42');
    await registerPasskey(f.h, clerk.access_token, key, 'Clerk key');
    const token = (await signInWith(f.h, key)).json<LoginBody>().access_token;
    const response = await pay(token);
    assert.equal(response.statusCode, 403);
  });
});
