import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeCursor } from '../../src/store/sql/cursor.js';
import { bearer, problemOf } from '../helpers/harness.js';
import { payrollFixture, type PayrollFixture } from './fixture.js';

interface Item {
  id: string;
  employee_id: string;
  created_at: string;
}
type PageBody = { items: Item[]; next_cursor: string | null };

/**
 * Broken object-level authorisation: carol (employee) must not read, nor infer, anyone else's
 * records: not by id, not by the employee_id filter, not by walking or forging cursors, not by
 * editing her token's employee_id claim.
 */
describe('payroll BOLA: an employee sees only her own records', () => {
  let f: PayrollFixture;
  before(async () => {
    f = await payrollFixture();
  });
  after(() => f.close());

  it("another employee's id answers exactly like an id that does not exist", async () => {
    const other = await f.as('employee', { url: `/api/employees/${f.other.id}` });
    const missing = await f.as('employee', { url: '/api/employees/no-such-employee' });
    assert.equal(other.statusCode, 404);
    assert.equal(problemOf(other).code, 'not_found');
    assert.equal(other.body, missing.body);
    const payment = await f.as('employee', { url: `/api/payments/${f.otherPayment.id}` });
    const noPayment = await f.as('employee', { url: '/api/payments/no-such-payment' });
    assert.equal(payment.statusCode, 404);
    assert.equal(payment.body, noPayment.body);
  });

  it('an employee_id filter on someone else is the same empty list as on nobody', async () => {
    const other = await f.as('employee', { url: `/api/payments?employee_id=${f.other.id}` });
    const nobody = await f.as('employee', { url: '/api/payments?employee_id=nobody' });
    assert.equal(other.statusCode, 200);
    assert.deepEqual(other.json(), { items: [], next_cursor: null });
    assert.equal(other.body, nobody.body);
    const ranged = await f.as('employee', { url: `/api/payments?employee_id=${f.other.id}&from=2026-01&to=2026-12` });
    assert.deepEqual(ranged.json(), { items: [], next_cursor: null });
  });

  it('walking every page, one payment at a time, yields exactly her own payments', async () => {
    const own = (await f.allPayments())
      .filter((p) => p.employeeId === f.carol.id)
      .map((p) => p.id)
      .sort();
    assert.ok(own.length >= 3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/payments?limit=1${cursor === null ? '' : `&cursor=${cursor}`}`;
      const page: PageBody = (await f.as('employee', { url })).json<PageBody>();
      for (const item of page.items) {
        assert.equal(item.employee_id, f.carol.id);
        seen.push(item.id);
      }
      cursor = page.next_cursor;
    } while (cursor !== null && seen.length < 100);
    assert.deepEqual(seen.sort(), own);
  });

  it("a forged cursor pointing into others' rows only moves within her own", async () => {
    const all = await f.allPayments();
    const othersRow = all.find((p) => p.employeeId === f.other.id);
    assert.ok(othersRow);
    const forged = [
      encodeCursor([0, '']),
      encodeCursor([othersRow.createdAt, othersRow.id]),
      encodeCursor([othersRow.createdAt - 1, 'zzzz']),
      encodeCursor([Number.MIN_SAFE_INTEGER, '']),
    ];
    // And a real cursor issued to the admin, in the middle of everyone's payments.
    const adminPage = (await f.as('admin', { url: '/api/payments?limit=3' })).json<PageBody>();
    assert.ok(adminPage.next_cursor);
    forged.push(adminPage.next_cursor);
    for (const cursor of forged) {
      const response = await f.as('employee', { url: `/api/payments?limit=100&cursor=${cursor}` });
      assert.equal(response.statusCode, 200);
      const page = response.json<PageBody>();
      assert.ok(
        page.items.every((p) => p.employee_id === f.carol.id),
        "only carol's rows",
      );
      assert.ok(!response.body.includes(f.other.id));
      const employees = await f.as('employee', { url: `/api/employees?cursor=${cursor}` });
      assert.equal(employees.statusCode, 200);
      assert.ok(employees.json<PageBody>().items.every((e) => e.id === f.carol.id));
    }
  });

  it('a cursor that is not one we issued is a 400, not a 500 and not a leak', async () => {
    for (const cursor of [
      'garbage',
      encodeURIComponent('W10='),
      Buffer.from('["x","y"]').toString('base64url'),
      Buffer.from('[1e400,"a"]').toString('base64url'),
    ]) {
      const response = await f.as('employee', { url: `/api/payments?cursor=${cursor}` });
      assert.equal(response.statusCode, 400, cursor);
      assert.equal(problemOf(response).code, 'invalid_request');
    }
  });

  it("editing the employee_id claim of her token makes it invalid (401), never someone else's view", async () => {
    const [header, payload, signature] = f.tokens.employee.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    claims.employee_id = f.other.id;
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const response = await f.h.app.inject({ url: `/api/employees/${f.other.id}`, headers: bearer(forged) });
    assert.equal(response.statusCode, 401);
    assert.equal(problemOf(response).code, 'invalid_token');
  });

  it('an employee user linked to no record sees nothing at all', async () => {
    await f.h.addUser('dave', 'employee');
    const token = (await f.h.login('dave', 'dave-Correct-Horse-42')).access_token;
    const list = await f.h.app.inject({ url: '/api/employees', headers: bearer(token) });
    assert.deepEqual(list.json(), { items: [], next_cursor: null });
    const payments = await f.h.app.inject({ url: '/api/payments', headers: bearer(token) });
    assert.deepEqual(payments.json(), { items: [], next_cursor: null });
    assert.equal(
      (await f.h.app.inject({ url: `/api/employees/${f.carol.id}`, headers: bearer(token) })).statusCode,
      404,
    );
    assert.equal(
      (await f.h.app.inject({ url: `/api/payments/${f.carolPayment.id}`, headers: bearer(token) })).statusCode,
      404,
    );
  });
});
