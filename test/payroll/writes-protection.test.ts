import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { problemOf } from '../helpers/harness.js';
import { employeeBody, idem, paymentBody, payrollFixture, type PayrollFixture } from './fixture.js';

/** State a refused write must leave exactly as it was. */
async function state(f: PayrollFixture): Promise<string> {
  const employees = await Promise.all(f.everyone.map((e) => f.findEmployee(e.id)));
  return JSON.stringify({ employees, payments: await f.allPayments(), count: await f.employeeCount() });
}

describe('payroll BFLA: clerk and employee get 403 on every write', () => {
  let f: PayrollFixture;
  before(async () => {
    f = await payrollFixture();
  });
  after(() => f.close());

  const writes = (f: PayrollFixture): Array<[string, InjectOptions]> => [
    ['create employee', { method: 'POST', url: '/api/employees', payload: employeeBody() }],
    [
      'patch own record',
      { method: 'PATCH', url: `/api/employees/${f.carol.id}`, payload: { salary_cents: 99_000_000 } },
    ],
    [
      'patch other record',
      {
        method: 'PATCH',
        url: `/api/employees/${f.other.id}`,
        payload: { bank_account: 'GB82 WEST 1234 5698 7654 32' },
      },
    ],
    ['pay self', { method: 'POST', url: '/api/payments', headers: idem(), payload: paymentBody(f.carol.id) }],
    ['pay other', { method: 'POST', url: '/api/payments', headers: idem(), payload: paymentBody(f.other.id) }],
    ['pay without a key', { method: 'POST', url: '/api/payments', payload: paymentBody(f.carol.id) }],
    ['reverse own payment', { method: 'POST', url: `/api/payments/${f.carolPayment.id}/reversal`, headers: idem() }],
    [
      'reverse other payment',
      { method: 'POST', url: `/api/payments/${f.otherPayment.id}/reversal`, headers: idem(), payload: {} },
    ],
  ];

  for (const role of ['clerk', 'employee'] as const) {
    it(`${role}: every write is 403 forbidden and changes nothing`, async () => {
      const before = await state(f);
      for (const [what, request] of writes(f)) {
        const response = await f.as(role, request);
        assert.equal(response.statusCode, 403, `${role} ${what}: ${response.body}`);
        assert.equal(problemOf(response).code, 'forbidden');
        assert.equal(
          response.headers['www-authenticate'],
          'Bearer realm="bulwark", error="insufficient_scope", scope="payroll:write"',
        );
      }
      assert.equal(await state(f), before);
    });
  }
});

describe('payroll mass assignment: unknown and read-only fields are 400, never used', () => {
  let f: PayrollFixture;
  before(async () => {
    f = await payrollFixture();
  });
  after(() => f.close());

  const cases = (f: PayrollFixture): Array<[string, InjectOptions]> => [
    ['create with id', { method: 'POST', url: '/api/employees', payload: employeeBody({ id: 'chosen-id' }) }],
    [
      'create with created_at',
      { method: 'POST', url: '/api/employees', payload: employeeBody({ created_at: '2020-01-01T00:00:00Z' }) },
    ],
    [
      'create with updated_at',
      { method: 'POST', url: '/api/employees', payload: employeeBody({ updated_at: '2020-01-01T00:00:00Z' }) },
    ],
    ['create with a role', { method: 'POST', url: '/api/employees', payload: employeeBody({ role: 'admin' }) }],
    ['patch id', { method: 'PATCH', url: `/api/employees/${f.carol.id}`, payload: { id: f.other.id } }],
    [
      'patch created_at beside a real change',
      {
        method: 'PATCH',
        url: `/api/employees/${f.carol.id}`,
        payload: { title: 'CTO', created_at: '2020-01-01T00:00:00Z' },
      },
    ],
    [
      'patch unknown field',
      { method: 'PATCH', url: `/api/employees/${f.carol.id}`, payload: { salary_cents: 1_000_00, is_admin: true } },
    ],
    [
      'patch nested object',
      { method: 'PATCH', url: `/api/employees/${f.carol.id}`, payload: { name: { first: 'C' } } },
    ],
    ['empty patch', { method: 'PATCH', url: `/api/employees/${f.carol.id}`, payload: {} }],
    [
      'pay with id',
      { method: 'POST', url: '/api/payments', headers: idem(), payload: paymentBody(f.carol.id, { id: 'chosen' }) },
    ],
    [
      'pay with kind',
      { method: 'POST', url: '/api/payments', headers: idem(), payload: paymentBody(f.carol.id, { kind: 'reversal' }) },
    ],
    [
      'pay with created_by',
      {
        method: 'POST',
        url: '/api/payments',
        headers: idem(),
        payload: paymentBody(f.carol.id, { created_by: f.adminId }),
      },
    ],
    [
      'pay with created_at',
      {
        method: 'POST',
        url: '/api/payments',
        headers: idem(),
        payload: paymentBody(f.carol.id, { created_at: '2020-01-01T00:00:00Z' }),
      },
    ],
    [
      'pay with reversed_by_payment_id',
      {
        method: 'POST',
        url: '/api/payments',
        headers: idem(),
        payload: paymentBody(f.carol.id, { reversed_by_payment_id: f.otherPayment.id }),
      },
    ],
    [
      'reversal with an amount',
      {
        method: 'POST',
        url: `/api/payments/${f.carolPayment.id}/reversal`,
        headers: idem(),
        payload: { amount_cents: 1 },
      },
    ],
    [
      'reversal with a kind',
      {
        method: 'POST',
        url: `/api/payments/${f.carolPayment.id}/reversal`,
        headers: idem(),
        payload: { kind: 'payment' },
      },
    ],
  ];

  it('admin bodies with id, created_at, updated_at or unknown fields: 400 invalid_request, no state change', async () => {
    const before = await state(f);
    for (const [what, request] of cases(f)) {
      const response = await f.as('admin', request);
      assert.equal(response.statusCode, 400, `${what}: ${response.body}`);
      assert.equal(problemOf(response).code, 'invalid_request', what);
    }
    assert.equal(await state(f), before);
  });

  it('names the offending field without echoing its value', async () => {
    const response = await f.as('admin', {
      method: 'POST',
      url: '/api/employees',
      payload: employeeBody({ secret_flag: 'do-not-echo-me' }),
    });
    assert.equal(response.statusCode, 400);
    assert.match(problemOf(response).detail ?? '', /secret_flag/);
    assert.ok(!response.body.includes('do-not-echo-me'));
  });

  it('query strings are closed too: an unknown parameter is 400', async () => {
    const response = await f.as('admin', { url: '/api/payments?employee=x' });
    assert.equal(response.statusCode, 400);
    assert.equal(problemOf(response).code, 'invalid_request');
  });
});
