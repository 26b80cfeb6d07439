import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { maskIban } from '../../src/payroll/domain/iban.js';
import { bearer, decodeJwt, problemOf } from '../helpers/harness.js';
import { employeeBody, payrollFixture, type PayrollFixture } from './fixture.js';

/**
 * Contract §15.8: payroll decides by its API's permissions, so a role an administrator makes
 * (not admin, clerk or employee) that grants them opens payroll exactly that far.
 */
describe('payroll by permission: roles made as data (issue #18 item 5)', () => {
  let f: PayrollFixture;
  let payrollApi: string;
  before(async () => {
    f = await payrollFixture();
    payrollApi = f.h.services.grants.defaultApi();
  });
  after(() => f.close());

  const admin = (method: 'POST' | 'PUT', url: string, payload: object) => f.as('admin', { method, url, payload });

  /** A user who holds only `roles` (no demo role), logged in at the payroll API. */
  async function userWith(username: string, permissions: string[]): Promise<string> {
    const role = await admin('POST', '/api/roles', {
      name: `${username}-role`,
      permissions: permissions.map((permission) => ({ api: payrollApi, permission })),
    });
    assert.equal(role.statusCode, 201, role.body);
    const user = await f.h.addUser(username, 'employee');
    const set = await admin('PUT', `/api/users/${user.id}/roles`, { roles: [`${username}-role`] });
    assert.equal(set.statusCode, 200, set.body);
    return (await f.h.login(username, `${username}-Correct-Horse-42`)).access_token;
  }
  const get = (token: string, url: string) => f.h.app.inject({ method: 'GET', url, headers: bearer(token) });

  it('a role granting payroll:read reads every employee with bank accounts masked, and may not write', async () => {
    const token = await userWith('auditor', ['payroll:read']);
    assert.equal(decodeJwt(token).claims.scope, 'payroll:read');
    const list = await get(token, '/api/employees?limit=100');
    assert.equal(list.statusCode, 200, list.body);
    assert.equal(list.json<{ items: unknown[] }>().items.length, f.everyone.length);
    const other = await get(token, `/api/employees/${f.other.id}`);
    assert.equal(other.statusCode, 200);
    assert.equal(other.json<{ bank_account: string }>().bank_account, maskIban(f.other.bankAccount));
    const before = await f.employeeCount();
    const write = await f.h.app.inject({
      method: 'POST',
      url: '/api/employees',
      headers: bearer(token),
      payload: employeeBody(),
    });
    assert.equal(write.statusCode, 403);
    assert.equal(problemOf(write).code, 'forbidden');
    assert.equal(
      write.headers['www-authenticate'],
      'Bearer realm="bulwark", error="insufficient_scope", scope="payroll:write"',
    );
    assert.equal(await f.employeeCount(), before);
  });

  it('a role granting payroll:read and payroll:write sees bank accounts and writes', async () => {
    const token = await userWith('officer', ['payroll:read', 'payroll:write']);
    const other = await get(token, `/api/employees/${f.other.id}`);
    assert.equal(other.json<{ bank_account: string }>().bank_account, f.other.bankAccount);
    const write = await f.h.app.inject({
      method: 'POST',
      url: '/api/employees',
      headers: bearer(token),
      payload: employeeBody(),
    });
    assert.equal(write.statusCode, 201, write.body);
  });

  it('payroll:read:self without an employee link sees nothing of anyone', async () => {
    const token = await userWith('selfonly', ['payroll:read:self']);
    const list = await get(token, '/api/employees');
    assert.equal(list.statusCode, 200);
    assert.deepEqual(list.json<{ items: unknown[] }>().items, []);
    assert.equal((await get(token, `/api/employees/${f.other.id}`)).statusCode, 404);
  });
});
