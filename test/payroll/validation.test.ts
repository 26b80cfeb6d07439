import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { problemOf } from '../helpers/harness.js';
import { employeeBody, idem, paymentBody, payrollFixture, type PayrollFixture } from './fixture.js';

describe('payroll validation: bad input is 400 invalid_request and changes nothing', () => {
  let f: PayrollFixture;
  before(async () => {
    f = await payrollFixture();
  });
  after(() => f.close());

  const badPayments: Array<[string, Record<string, unknown>]> = [
    ['a float amount', { amount_cents: 1000.5 }],
    ['a tiny float amount', { amount_cents: 0.01 }],
    ['a negative amount', { amount_cents: -100 }],
    ['a zero amount', { amount_cents: 0 }],
    ['an amount as a string', { amount_cents: '1000' }],
    ['an amount as a boolean', { amount_cents: true }],
    ['a null amount', { amount_cents: null }],
    ['an amount over 100,000,000.00', { amount_cents: 10_000_000_001 }],
    ['a huge amount', { amount_cents: 1e20 }],
    ['an unsafe integer amount', { amount_cents: 2 ** 53 + 2 }],
    ['a lower-case currency', { currency: 'eur' }],
    ['a four-letter currency', { currency: 'EURO' }],
    ['a made-up currency', { currency: 'ABC' }],
    ['a non-currency ISO code', { currency: 'XXX' }],
    ['a retired currency', { currency: 'DEM' }],
    ['a numeric currency', { currency: 978 }],
    ['month 13', { period: '2026-13' }],
    ['month 00', { period: '2026-00' }],
    ['a one-digit month', { period: '2026-1' }],
    ['a date instead of a month', { period: '2026-10-01' }],
    ['a two-digit year', { period: '26-10' }],
    ['a year out of range', { period: '0999-10' }],
    ['text as period', { period: 'last month' }],
    ['a missing currency', { currency: undefined }],
    ['a missing employee', { employee_id: undefined }],
    ['an employee id with odd characters', { employee_id: '../../etc' }],
    ['a memo too long', { memo: 'x'.repeat(501) }],
    ['a memo with control characters', { memo: 'pay\u0000day' }],
  ];

  for (const [what, change] of badPayments) {
    it(`POST /api/payments with ${what} → 400`, async () => {
      const count = await f.paymentCount();
      const response = await f.as('admin', {
        method: 'POST',
        url: '/api/payments',
        headers: idem(),
        payload: paymentBody(f.carol.id, change),
      });
      assert.equal(response.statusCode, 400, response.body);
      assert.equal(problemOf(response).code, 'invalid_request');
      assert.equal(await f.paymentCount(), count);
    });
  }

  it('a body that is not JSON, or JSON but not an object, is 400', async () => {
    for (const payload of ['{"amount_cents": 1', '[]', '"x"', '42']) {
      const response = await f.as('admin', {
        method: 'POST',
        url: '/api/payments',
        headers: { ...idem(), 'content-type': 'application/json' },
        payload,
      });
      assert.equal(response.statusCode, 400, payload);
      assert.equal(problemOf(response).code, 'invalid_request');
    }
  });

  it('accepts the bounds: 1 cent and exactly 100,000,000.00', async () => {
    for (const amount of [1, 10_000_000_000]) {
      const response = await f.as('admin', {
        method: 'POST',
        url: '/api/payments',
        headers: idem(),
        payload: paymentBody(f.carol.id, { amount_cents: amount, currency: 'JPY' }),
      });
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.json<{ amount_cents: number }>().amount_cents, amount);
    }
  });

  it('an unknown employee is 404; an employee on leave or terminated cannot be paid (409)', async () => {
    const unknown = await f.as('admin', {
      method: 'POST',
      url: '/api/payments',
      headers: idem(),
      payload: paymentBody('no-such-employee'),
    });
    assert.equal(unknown.statusCode, 404);
    assert.equal(problemOf(unknown).code, 'not_found');
    for (const status of ['on_leave', 'terminated']) {
      const employee = f.everyone.find((e) => e.status === status);
      assert.ok(employee, status);
      const count = await f.paymentCount();
      const response = await f.as('admin', {
        method: 'POST',
        url: '/api/payments',
        headers: idem(),
        payload: paymentBody(employee.id, { currency: employee.currency }),
      });
      assert.equal(response.statusCode, 409, status);
      assert.equal(problemOf(response).code, 'conflict');
      assert.equal(await f.paymentCount(), count);
    }
  });

  const badEmployees: Array<[string, Record<string, unknown>]> = [
    ['an IBAN with a wrong checksum', { bank_account: 'GB82 WEST 1234 5698 7654 33' }],
    ['an IBAN with swapped digits', { bank_account: 'DE89370400440532031000' }],
    ['an IBAN of the wrong length for its country', { bank_account: 'DE8937040044053201300' }],
    ['an IBAN of an unknown country', { bank_account: 'QQ82WEST12345698765432' }],
    ['an IBAN with punctuation', { bank_account: 'GB82-WEST-1234-5698-7654-32' }],
    ['a bank account number that is not an IBAN', { bank_account: '12345678901234567' }],
    ['an email without a domain', { email: 'mara@' }],
    ['an email that is a name', { email: 'Mara Jensen' }],
    ['a bad currency', { currency: 'EU' }],
    ['an unknown currency', { currency: 'ZZZ' }],
    ['a zero salary', { salary_cents: 0 }],
    ['a negative salary', { salary_cents: -1 }],
    ['a float salary', { salary_cents: 7_400_000.5 }],
    ['a salary as a string', { salary_cents: '7400000' }],
    ['an absurd salary', { salary_cents: 1e15 }],
    ['February 30th', { hired_on: '2026-02-30' }],
    ['February 29th of a common year', { hired_on: '2025-02-29' }],
    ['month 13', { hired_on: '2026-13-01' }],
    ['a date without zero padding', { hired_on: '2026-1-5' }],
    ['a timestamp', { hired_on: '2026-11-02T00:00:00Z' }],
    ['an unknown status', { status: 'fired' }],
    ['a blank name', { name: '   ' }],
    ['an empty department', { department: '' }],
    ['a name with control characters', { name: 'Mara\u0007' }],
    ['a missing name', { name: undefined }],
  ];

  for (const [what, change] of badEmployees) {
    it(`POST /api/employees with ${what} → 400; PATCH too`, async () => {
      const count = await f.employeeCount();
      const created = await f.as('admin', { method: 'POST', url: '/api/employees', payload: employeeBody(change) });
      assert.equal(created.statusCode, 400, created.body);
      assert.equal(problemOf(created).code, 'invalid_request');
      assert.equal(await f.employeeCount(), count);
      const patch = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
      if (Object.keys(patch).length === 0) return;
      const before = await f.findEmployee(f.other.id);
      const patched = await f.as('admin', { method: 'PATCH', url: `/api/employees/${f.other.id}`, payload: patch });
      assert.equal(patched.statusCode, 400, patched.body);
      assert.deepEqual(await f.findEmployee(f.other.id), before);
    });
  }

  it('accepts a leap day, a lower-case IBAN with spaces (stored normalised) and a duplicate email is 409', async () => {
    const body = employeeBody({
      hired_on: '2024-02-29',
      bank_account: 'gb82 west 1234 5698 7654 32',
      email: 'Mara.Jensen@Example.com',
    });
    const created = await f.as('admin', { method: 'POST', url: '/api/employees', payload: body });
    assert.equal(created.statusCode, 201, created.body);
    const employee = created.json<{ id: string; bank_account: string; email: string; status: string }>();
    assert.equal(employee.bank_account, 'GB82WEST12345698765432');
    assert.equal(employee.email, 'mara.jensen@example.com');
    assert.equal(employee.status, 'active');
    const again = await f.as('admin', {
      method: 'POST',
      url: '/api/employees',
      payload: { ...body, email: 'mara.jensen@example.com' },
    });
    assert.equal(again.statusCode, 409);
    assert.equal(problemOf(again).code, 'conflict');
  });

  const badQueries = [
    '/api/employees?limit=0',
    '/api/employees?limit=101',
    '/api/employees?limit=abc',
    '/api/employees?limit=1.5',
    '/api/payments?limit=101',
    '/api/payments?from=2026-13',
    '/api/payments?to=2026-1',
    '/api/payments?from=2026-10&to=2026-08',
    '/api/payments?from=yesterday',
    '/api/payments?cursor=',
    '/api/employees?cursor=not-a-cursor',
  ];
  for (const url of badQueries) {
    it(`GET ${url} → 400`, async () => {
      const response = await f.as('clerk', { url });
      assert.equal(response.statusCode, 400, response.body);
      assert.equal(problemOf(response).code, 'invalid_request');
    });
  }

  it('odd ids in the path are 4xx problem+json (never a 500, never echoed)', async () => {
    for (const url of [
      `/api/employees/${'x'.repeat(129)}`,
      `/api/payments/${'x'.repeat(65)}`,
      '/api/employees/%E0%A4%A',
      '/api/payments/a.b',
      '/api/employees/%3Cscript%3E',
    ]) {
      const response = await f.as('admin', { url });
      assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${url}: ${response.statusCode}`);
      assert.equal(problemOf(response).code, 'invalid_request', url);
      assert.ok(!response.body.includes('xxxxxxxx') && !response.body.includes('script'), url);
    }
  });

  it('limit 100 is allowed; from/to filter by period, inclusive', async () => {
    assert.equal((await f.as('clerk', { url: '/api/employees?limit=100' })).statusCode, 200);
    const response = await f.as('clerk', { url: '/api/payments?from=2026-09&to=2026-09&limit=100' });
    assert.equal(response.statusCode, 200);
    const periods = new Set(response.json<{ items: Array<{ period: string }> }>().items.map((p) => p.period));
    assert.deepEqual([...periods], ['2026-09']);
  });
});
