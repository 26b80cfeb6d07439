import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { problemOf } from '../helpers/harness.js';
import { idem, paymentBody, payrollFixture, type PayrollFixture } from './fixture.js';

interface Payment {
  id: string;
  employee_id: string;
  amount_cents: number;
  currency: string;
  period: string;
  kind: string;
  reverses_payment_id: string | null;
  reversed_by_payment_id: string | null;
  memo: string | null;
  created_by: string;
  created_at: string;
}

describe('payments: issue, read, reverse (immutable records)', () => {
  let f: PayrollFixture;
  before(async () => {
    f = await payrollFixture();
  });
  after(() => f.close());

  const issue = async (body = paymentBody(f.carol.id)) => {
    const response = await f.as('admin', { method: 'POST', url: '/api/payments', headers: idem(), payload: body });
    assert.equal(response.statusCode, 201, response.body);
    return response.json<Payment>();
  };
  const reverse = (id: string, payload?: unknown) =>
    f.as('admin', {
      method: 'POST',
      url: `/api/payments/${id}/reversal`,
      headers: idem(),
      payload: payload as Record<string, unknown> | undefined,
    });

  it('issues a payment with exactly the declared fields, by the caller, now', async () => {
    const payment = await issue(paymentBody(f.carol.id, { memo: '  bonus  ' }));
    assert.deepEqual(Object.keys(payment).sort(), [
      'amount_cents',
      'created_at',
      'created_by',
      'currency',
      'employee_id',
      'id',
      'kind',
      'memo',
      'period',
      'reversed_by_payment_id',
      'reverses_payment_id',
    ]);
    assert.equal(payment.kind, 'payment');
    assert.equal(payment.amount_cents, 250_000);
    assert.equal(payment.memo, 'bonus');
    assert.equal(payment.created_by, f.adminId);
    assert.equal(payment.created_at, new Date(f.h.clock.now()).toISOString());
    const read = await f.as('employee', { url: `/api/payments/${payment.id}` });
    assert.deepEqual(read.json(), payment);
  });

  it('a reversal is a new record with the negated amount, linked both ways; the original is otherwise unchanged', async () => {
    const original = await issue();
    const response = await reverse(original.id, { memo: 'paid twice' });
    assert.equal(response.statusCode, 201);
    const reversal = response.json<Payment>();
    assert.equal(reversal.kind, 'reversal');
    assert.equal(reversal.amount_cents, -original.amount_cents);
    assert.equal(reversal.currency, original.currency);
    assert.equal(reversal.period, original.period);
    assert.equal(reversal.employee_id, original.employee_id);
    assert.equal(reversal.reverses_payment_id, original.id);
    assert.equal(reversal.memo, 'paid twice');
    const after = (await f.as('admin', { url: `/api/payments/${original.id}` })).json<Payment>();
    assert.deepEqual(after, { ...original, reversed_by_payment_id: reversal.id });
    const net = (await f.as('employee', { url: `/api/payments?limit=100` }))
      .json<{ items: Payment[] }>()
      .items.filter((p) => p.id === original.id || p.id === reversal.id)
      .reduce((sum, p) => sum + p.amount_cents, 0);
    assert.equal(net, 0, 'a reversed payment nets to zero');
  });

  it('reversing twice is 409; reversing a reversal is 409; nothing new is written', async () => {
    const original = await issue();
    const reversal = (await reverse(original.id)).json<Payment>();
    const count = await f.paymentCount();
    const twice = await reverse(original.id);
    assert.equal(twice.statusCode, 409);
    assert.equal(problemOf(twice).code, 'conflict');
    assert.match(problemOf(twice).detail ?? '', /already been reversed/);
    const ofReversal = await reverse(reversal.id);
    assert.equal(ofReversal.statusCode, 409);
    assert.match(problemOf(ofReversal).detail ?? '', /cannot itself be reversed/);
    assert.equal(await f.paymentCount(), count);
  });

  it('reversing an unknown payment is 404', async () => {
    const response = await reverse('no-such-payment');
    assert.equal(response.statusCode, 404);
    assert.equal(problemOf(response).code, 'not_found');
  });

  it("a terminated employee's old payment can still be reversed (undoing needs no active contract)", async () => {
    const leaver = f.everyone.find((e) => e.status === 'terminated');
    assert.ok(leaver);
    const old = (await f.allPayments()).find((p) => p.employeeId === leaver.id && p.kind === 'payment');
    assert.ok(old);
    const response = await reverse(old.id);
    assert.equal(response.statusCode, 201);
    assert.equal(response.json<Payment>().amount_cents, -old.amountCents);
  });

  it('lists oldest first with working cursors, filtered by employee and period', async () => {
    const page1 = (await f.as('clerk', { url: `/api/payments?employee_id=${f.other.id}&limit=2` })).json<{
      items: Payment[];
      next_cursor: string;
    }>();
    assert.equal(page1.items.length, 2);
    const page2 = (
      await f.as('clerk', { url: `/api/payments?employee_id=${f.other.id}&limit=2&cursor=${page1.next_cursor}` })
    ).json<{ items: Payment[] }>();
    const all = [...page1.items, ...page2.items];
    assert.ok(all.every((p) => p.employee_id === f.other.id));
    assert.equal(new Set(all.map((p) => p.id)).size, all.length);
    const times = all.map((p) => p.created_at);
    assert.deepEqual([...times].sort(), times);
    const august = (await f.as('clerk', { url: `/api/payments?from=2026-08&to=2026-08&limit=100` })).json<{
      items: Payment[];
    }>().items;
    assert.ok(august.length >= 9 && august.every((p) => p.period === '2026-08'));
  });
});

describe('employees: create, read, patch', () => {
  let f: PayrollFixture;
  before(async () => {
    f = await payrollFixture();
  });
  after(() => f.close());

  it('lists with cursor pagination, pages do not overlap', async () => {
    const first = (await f.as('admin', { url: '/api/employees?limit=4' })).json<{
      items: Array<{ id: string }>;
      next_cursor: string;
    }>();
    assert.equal(first.items.length, 4);
    const second = (await f.as('admin', { url: `/api/employees?limit=100&cursor=${first.next_cursor}` })).json<{
      items: Array<{ id: string }>;
      next_cursor: null;
    }>();
    assert.equal(second.next_cursor, null);
    const ids = [...first.items, ...second.items].map((e) => e.id);
    assert.equal(new Set(ids).size, f.everyone.length);
  });

  it('patch changes only the given fields and bumps updated_at; a no-op patch changes nothing', async () => {
    const before = await f.findEmployee(f.other.id);
    f.h.clock.advance(60);
    const response = await f.as('admin', {
      method: 'PATCH',
      url: `/api/employees/${f.other.id}`,
      payload: { salary_cents: 9_900_000, status: 'on_leave' },
    });
    assert.equal(response.statusCode, 200);
    const after = await f.findEmployee(f.other.id);
    assert.deepEqual(after, { ...before, salaryCents: 9_900_000, status: 'on_leave', updatedAt: f.h.clock.now() });
    f.h.clock.advance(60);
    const noop = await f.as('admin', {
      method: 'PATCH',
      url: `/api/employees/${f.other.id}`,
      payload: { salary_cents: 9_900_000 },
    });
    assert.equal(noop.statusCode, 200);
    assert.deepEqual(await f.findEmployee(f.other.id), after);
  });

  it('patching an unknown employee is 404', async () => {
    const response = await f.as('admin', {
      method: 'PATCH',
      url: '/api/employees/no-such-employee',
      payload: { title: 'x' },
    });
    assert.equal(response.statusCode, 404);
    assert.equal(problemOf(response).code, 'not_found');
  });
});
