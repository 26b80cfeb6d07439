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
    const refresh = () => h.app.inject({ method: 'POST', url: '/api/users-sessions/refresh', payload: { refresh_token: 'brt_unknown' }, remoteAddress: '10.1.0.1' });
    for (let i = 0; i < 3; i += 1) assert.equal((await refresh()).statusCode, 401);
    const limited = await refresh();
    assert.equal(limited.statusCode, 429);
    assert.equal(problemOf(limited).code, 'too_many_requests');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    const other = await h.app.inject({ method: 'POST', url: '/api/users-sessions/refresh', payload: { refresh_token: 'brt_unknown' }, remoteAddress: '10.1.0.2' });
    assert.equal(other.statusCode, 401);
  });

  it('answers a payroll write with 429 past the per-user limit, reads stay open', async () => {
    const create = () => h.app.inject({ method: 'POST', url: '/api/employees', headers: bearer(token), payload: employeeBody() });
    assert.equal((await create()).statusCode, 201);
    assert.equal((await create()).statusCode, 201);
    const limited = await create();
    assert.equal(limited.statusCode, 429);
    assert.equal(problemOf(limited).code, 'too_many_requests');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.equal((await h.app.inject({ url: '/api/employees', headers: bearer(token) })).statusCode, 200);
  });

  it('counts admin writes of the same user too', async () => {
    const response = await h.app.inject({ method: 'POST', url: '/api/users', headers: bearer(token), payload: { username: 'newbie', password: 'newbie-Correct-Horse-42', role: 'clerk' } });
    assert.equal(response.statusCode, 429);
  });
});
