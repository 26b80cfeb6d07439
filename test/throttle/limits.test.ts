import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, createHarness, problemOf, type Harness } from '../helpers/harness.js';
import { employeeBody } from '../payroll/fixture.js';

describe('refresh and write limits', () => {
  let h: Harness;
  let token: string;
  before(async () => {
    h = await createHarness({}, { throttle: { policy: { refreshPerIpPerMinute: 3, writesPerUserPerMinute: 2 } } });
    const admin = await h.addUser('alice', 'admin');
    token = (await h.login('alice', admin.password)).access_token;
  });
  after(() => h.close());

  it('answers refresh with 429 past its per-IP limit', async () => {
    const refresh = () =>
      h.app.inject({
        method: 'POST',
        url: '/api/users-sessions/refresh',
        payload: { refresh_token: 'brt_unknown' },
        remoteAddress: '10.1.0.1',
      });
    for (let i = 0; i < 3; i += 1) assert.equal((await refresh()).statusCode, 401);
    const limited = await refresh();
    assert.equal(limited.statusCode, 429);
    assert.equal(problemOf(limited).code, 'too_many_requests');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    const other = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/refresh',
      payload: { refresh_token: 'brt_unknown' },
      remoteAddress: '10.1.0.2',
    });
    assert.equal(other.statusCode, 401);
  });

  it('answers a payroll write with 429 past the per-user limit, reads stay open', async () => {
    const create = () =>
      h.app.inject({ method: 'POST', url: '/api/employees', headers: bearer(token), payload: employeeBody() });
    assert.equal((await create()).statusCode, 201);
    assert.equal((await create()).statusCode, 201);
    const limited = await create();
    assert.equal(limited.statusCode, 429);
    assert.equal(problemOf(limited).code, 'too_many_requests');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.equal((await h.app.inject({ url: '/api/employees', headers: bearer(token) })).statusCode, 200);
  });

  it('counts admin writes of the same user too', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(token),
      payload: { username: 'newbie', password: 'newbie-Correct-Horse-42', role: 'clerk' },
    });
    assert.equal(response.statusCode, 429);
  });
});

describe('limits from the environment', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness(
      {
        BULWARK_REFRESH_PER_IP_PER_MINUTE: '1',
        BULWARK_WRITES_PER_USER_PER_MINUTE: '1',
        BULWARK_LOGIN_ATTEMPTS_PER_IP_PER_SECOND: '2',
      },
      { throttle: {} },
    );
  });
  after(() => h.close());

  it('BULWARK_REFRESH_PER_IP_PER_MINUTE=1: the second refresh from an address is 429', async () => {
    const refresh = () =>
      h.app.inject({
        method: 'POST',
        url: '/api/users-sessions/refresh',
        payload: { refresh_token: 'brt_unknown' },
        remoteAddress: '10.2.0.1',
      });
    assert.equal((await refresh()).statusCode, 401);
    assert.equal((await refresh()).statusCode, 429);
  });

  it('BULWARK_LOGIN_ATTEMPTS_PER_IP_PER_SECOND=2: the third attempt in a second is 429', async () => {
    const login = () =>
      h.app.inject({
        method: 'POST',
        url: '/api/users-sessions',
        payload: { username: 'nobody', password: 'not-the-password-1' },
        remoteAddress: '10.2.0.2',
      });
    assert.equal((await login()).statusCode, 401);
    assert.equal((await login()).statusCode, 401);
    const third = await login();
    assert.equal(third.statusCode, 429);
    assert.equal(problemOf(third).code, 'too_many_requests');
  });

  it('BULWARK_WRITES_PER_USER_PER_MINUTE=1: the second write of a user is 429', async () => {
    const admin = await h.addUser('alice', 'admin');
    const token = (await h.login('alice', admin.password)).access_token;
    const create = () =>
      h.app.inject({ method: 'POST', url: '/api/employees', headers: bearer(token), payload: employeeBody() });
    assert.equal((await create()).statusCode, 201);
    assert.equal((await create()).statusCode, 429);
  });
});
