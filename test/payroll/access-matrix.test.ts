import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { maskIban } from '../../src/payroll/domain/iban.js';
import { problemOf } from '../helpers/harness.js';
import { employeeBody, idem, paymentBody, payrollFixture, type PayrollFixture, type PayrollRole } from './fixture.js';

/**
 * CONTRACT §4, the payroll matrix: every route × every role × own/other object, one table.
 * Each row asserts the status, what the body must contain, the state after the call, and that
 * no body ever holds what the role may not see (for carol: anyone else's id, name, bank account
 * or salary; for the clerk: any IBAN in clear).
 */
type Target = 'own' | 'other' | 'none';
interface Row {
  route: string;
  role: PayrollRole;
  target: Target;
  status: number;
  request(f: PayrollFixture, id: string): Promise<InjectOptions> | InjectOptions;
  /** Checks the answer and the state after it. */
  verify(
    f: PayrollFixture,
    response: LightMyRequestResponse,
    at: { role: PayrollRole; id: string; before: Snapshot },
  ): Promise<void> | void;
}
interface Snapshot {
  employees: number;
  payments: number;
  target: string;
}

const ROLES: PayrollRole[] = ['admin', 'clerk', 'employee'];
const ids = (r: LightMyRequestResponse): string[] => r.json<{ items: Array<{ id: string }> }>().items.map((i) => i.id);
const items = <T>(r: LightMyRequestResponse): T[] => r.json<{ items: T[] }>().items;

async function unchanged(f: PayrollFixture, at: { id: string; before: Snapshot }): Promise<void> {
  assert.deepEqual(await snapshot(f, at.id), at.before, 'a refused call changes nothing');
}

/** Expected status per role and target, straight from the contract's table. */
const rows: Row[] = [];
function route(
  name: string,
  targets: Target[],
  expect: (role: PayrollRole, target: Target) => number,
  request: Row['request'],
  verify: Row['verify'],
): void {
  for (const role of ROLES)
    for (const target of targets)
      rows.push({ route: name, role, target, status: expect(role, target), request, verify });
}
const readAll = (role: PayrollRole, target: Target) => (role === 'employee' && target === 'other' ? 404 : 200);
const adminOnly = (status: number) => (role: PayrollRole) => (role === 'admin' ? status : 403);

route(
  'GET /api/employees',
  ['none'],
  () => 200,
  () => ({ url: '/api/employees?limit=100' }),
  (f, r, { role }) => {
    const seen = ids(r);
    if (role === 'employee') assert.deepEqual(seen, [f.carol.id]);
    else for (const e of f.everyone) assert.ok(seen.includes(e.id), `${e.name} is listed`);
    const accounts = items<{ bank_account: string }>(r).map((e) => e.bank_account);
    if (role === 'clerk')
      assert.ok(
        accounts.every((a) => /^[A-Z]{2}\*+[A-Z0-9]{4}$/.test(a.replace(/ /g, ''))),
        'clerk sees masked accounts',
      );
    else assert.ok(accounts.includes(f.carol.bankAccount), 'admin and carol see the account in clear');
  },
);

route(
  'GET /api/employees/{id}',
  ['own', 'other'],
  readAll,
  (_f, id) => ({ url: `/api/employees/${id}` }),
  (f, r, { role, id }) => {
    if (r.statusCode === 404) return void assert.equal(problemOf(r).code, 'not_found');
    const body = r.json<{ id: string; bank_account: string; salary_cents: number }>();
    const employee = f.everyone.find((e) => e.id === id);
    assert.equal(body.id, id);
    assert.equal(body.salary_cents, employee?.salaryCents);
    assert.equal(body.bank_account, role === 'clerk' ? maskIban(employee?.bankAccount ?? '') : employee?.bankAccount);
  },
);

route(
  'POST /api/employees',
  ['none'],
  adminOnly(201),
  () => ({ method: 'POST', url: '/api/employees', payload: employeeBody() }),
  async (f, r, at) => {
    if (r.statusCode === 403) return unchanged(f, at);
    assert.equal(await f.employeeCount(), at.before.employees + 1);
    assert.ok(await f.findEmployee(r.json<{ id: string }>().id));
  },
);

route(
  'PATCH /api/employees/{id}',
  ['own', 'other'],
  adminOnly(200),
  (_f, id) => ({ method: 'PATCH', url: `/api/employees/${id}`, payload: { title: `Title ${id.slice(0, 6)}` } }),
  async (f, r, at) => {
    if (r.statusCode === 403) return unchanged(f, at);
    const id = at.id;
    assert.equal((await f.findEmployee(id))?.title, `Title ${id.slice(0, 6)}`);
  },
);

route(
  'GET /api/payments',
  ['none', 'own', 'other'],
  () => 200,
  (_f, id) => ({ url: `/api/payments?limit=100${id === '' ? '' : `&employee_id=${id}`}` }),
  (f, r, { role, id }) => {
    const owners = new Set(items<{ employee_id: string }>(r).map((p) => p.employee_id));
    if (role !== 'employee') {
      if (id === '') assert.ok(owners.size > 1, "admin and clerk see everyone's payments");
      else assert.deepEqual([...owners], [id]);
    } else if (id === f.other.id) {
      assert.deepEqual(r.json(), { items: [], next_cursor: null }, 'a filter on someone else is an empty list');
    } else {
      assert.deepEqual([...owners], [f.carol.id]);
    }
  },
);

route(
  'GET /api/payments/{id}',
  ['own', 'other'],
  readAll,
  (_f, id) => ({ url: `/api/payments/${id}` }),
  (_f, r, { id }) => {
    if (r.statusCode === 404) return void assert.equal(problemOf(r).code, 'not_found');
    assert.equal(r.json<{ id: string }>().id, id);
  },
);

route(
  'POST /api/payments',
  ['own', 'other'],
  adminOnly(201),
  (_f, id) => ({ method: 'POST', url: '/api/payments', headers: idem(), payload: paymentBody(id) }),
  async (f, r, at) => {
    if (r.statusCode === 403) return unchanged(f, at);
    assert.equal(await f.paymentCount(), at.before.payments + 1);
    assert.equal(r.json<{ employee_id: string }>().employee_id, at.id);
  },
);

route(
  'POST /api/payments/{id}/reversal',
  ['own', 'other'],
  adminOnly(201),
  (_f, id) => ({ method: 'POST', url: `/api/payments/${id}/reversal`, headers: idem() }),
  async (f, r, at) => {
    if (r.statusCode === 403) return unchanged(f, at);
    const original = (await f.allPayments()).find((p) => p.id === at.id);
    assert.equal(original?.reversedByPaymentId, r.json<{ id: string }>().id);
  },
);

/** The object a row targets, by route family: an employee id or a payment id. */
async function targetId(f: PayrollFixture, row: Row): Promise<string> {
  if (row.target === 'none') return '';
  const employee = row.target === 'own' ? f.carol : f.other;
  if (!row.route.includes('/api/payments/{id}')) return employee.id;
  if (row.route.endsWith('reversal') && row.role === 'admin') {
    const open = (await f.allPayments()).find(
      (p) =>
        p.employeeId === employee.id &&
        p.kind === 'payment' &&
        p.reversedByPaymentId === null &&
        p.id !== f.carolPayment.id &&
        p.id !== f.otherPayment.id,
    );
    if (open === undefined) throw new Error('no open payment left to reverse');
    return open.id;
  }
  return row.target === 'own' ? f.carolPayment.id : f.otherPayment.id;
}

async function snapshot(f: PayrollFixture, id: string): Promise<Snapshot> {
  const employee = id === '' ? undefined : await f.findEmployee(id);
  const payment = id === '' ? undefined : (await f.allPayments()).find((p) => p.id === id);
  return {
    employees: await f.employeeCount(),
    payments: await f.paymentCount(),
    target: JSON.stringify(employee ?? payment ?? null),
  };
}

/** What each role must never see in any answer. */
function forbidden(f: PayrollFixture, role: PayrollRole): string[] {
  if (role === 'admin') return [];
  if (role === 'clerk') return f.everyone.map((e) => e.bankAccount).concat('GB82WEST12345698765432');
  const others = f.everyone.filter((e) => e.id !== f.carol.id);
  return others
    .flatMap((e) => [e.id, e.name, e.email, e.bankAccount, maskIban(e.bankAccount), `"salary_cents":${e.salaryCents}`])
    .concat(f.otherPayment.id);
}

describe('payroll access matrix (CONTRACT §4): route × role × own/other', () => {
  let f: PayrollFixture;
  before(async () => {
    f = await payrollFixture();
  });
  after(() => f.close());

  it('covers every payroll route for every role', () => {
    const routes = new Set(rows.map((r) => r.route));
    assert.equal(routes.size, 8);
    for (const name of routes)
      assert.deepEqual(new Set(rows.filter((r) => r.route === name).map((r) => r.role)), new Set(ROLES));
  });

  for (const row of rows) {
    it(`${row.route} as ${row.role} (${row.target}) → ${row.status}`, async () => {
      const id = await targetId(f, row);
      const before = await snapshot(f, id);
      const response = await f.as(row.role, await row.request(f, id));
      assert.equal(response.statusCode, row.status, response.body);
      if (row.status === 403) assert.equal(problemOf(response).code, 'forbidden');
      for (const secret of forbidden(f, row.role))
        assert.ok(!response.body.includes(secret), `the ${row.role}'s answer leaks ${secret}`);
      await row.verify(f, response, { role: row.role, id, before });
    });
  }

  it('without a token every payroll route is 401 invalid_token', async () => {
    for (const [method, url] of [
      ['GET', '/api/employees'],
      ['GET', '/api/employees/x'],
      ['POST', '/api/employees'],
      ['PATCH', '/api/employees/x'],
      ['GET', '/api/payments'],
      ['GET', '/api/payments/x'],
      ['POST', '/api/payments'],
      ['POST', '/api/payments/x/reversal'],
    ] as const) {
      const response = await f.h.app.inject({ method, url, payload: method === 'GET' ? undefined : {} });
      assert.equal(response.statusCode, 401, `${method} ${url}`);
      assert.equal(problemOf(response).code, 'invalid_token');
    }
  });

  it('payments have no PUT, PATCH or DELETE route at all', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const response = await f.as('admin', {
        method,
        url: `/api/payments/${f.carolPayment.id}`,
        payload: method === 'DELETE' ? undefined : { amount_cents: 1 },
      });
      assert.equal(response.statusCode, 404, method);
      assert.equal(problemOf(response).code, 'not_found');
    }
    assert.equal(
      (await f.allPayments()).find((p) => p.id === f.carolPayment.id)?.amountCents,
      f.carolPayment.amountCents,
    );
  });
});
