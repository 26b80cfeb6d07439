import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { problemOf } from '../helpers/harness.js';
import { createTestSchema, SKIP_POSTGRES as skip } from '../helpers/postgres.js';
import { idem, paymentBody, payrollFixture, type PayrollFixture } from './fixture.js';

if (skip !== false) it('payroll on postgres', { skip }, () => undefined);

/** The payroll migration and the races that matter, on a real pool with real concurrency. */
describe('payroll on postgres', { skip }, () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let f: PayrollFixture;
  before(async () => {
    schema = await createTestSchema('bulwark_payroll');
    f = await payrollFixture({}, { BULWARK_DATABASE_URL: schema.url });
  });
  after(async () => {
    await f?.close();
    await schema?.drop();
  });

  it('migrates, seeds and reads with numbers as numbers and trimmed currencies', async () => {
    assert.equal(f.h.store.kind, 'postgres');
    const response = await f.as('admin', { url: `/api/employees/${f.carol.id}` });
    assert.equal(response.statusCode, 200);
    const body = response.json<{ salary_cents: number; currency: string }>();
    assert.equal(body.salary_cents, f.carol.salaryCents);
    assert.equal(body.currency, 'EUR');
  });

  it('20 concurrent identical payments with one key: exactly one row, 20 identical answers', async () => {
    const body = paymentBody(f.other.id, { memo: 'pg concurrent' });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        f.as('admin', { method: 'POST', url: '/api/payments', headers: idem('pg-key'), payload: body }),
      ),
    );
    assert.deepEqual(new Set(responses.map((r) => r.statusCode)), new Set([201]));
    assert.equal(new Set(responses.map((r) => r.body)).size, 1);
    assert.equal((await f.allPayments()).filter((p) => p.memo === 'pg concurrent').length, 1);
  });

  it('20 concurrent reversals of one payment with different keys: one 201, nineteen 409', async () => {
    const paid = await f.as('admin', {
      method: 'POST',
      url: '/api/payments',
      headers: idem(),
      payload: paymentBody(f.other.id, { memo: 'pg reverse' }),
    });
    const id = paid.json<{ id: string }>().id;
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        f.as('admin', { method: 'POST', url: `/api/payments/${id}/reversal`, headers: idem() }),
      ),
    );
    assert.equal(responses.filter((r) => r.statusCode === 201).length, 1);
    for (const r of responses.filter((r) => r.statusCode !== 201)) assert.equal(problemOf(r).code, 'conflict');
    assert.equal((await f.allPayments()).filter((p) => p.reversesPaymentId === id).length, 1);
  });

  it('employees see only their own, and a duplicate email is 409', async () => {
    const own = await f.as('employee', { url: '/api/payments?limit=100' });
    assert.ok(own.json<{ items: Array<{ employee_id: string }> }>().items.every((p) => p.employee_id === f.carol.id));
    assert.equal((await f.as('employee', { url: `/api/employees/${f.other.id}` })).statusCode, 404);
    const dup = await f.as('admin', {
      method: 'PATCH',
      url: `/api/employees/${f.other.id}`,
      payload: { email: f.carol.email },
    });
    assert.equal(dup.statusCode, 409);
  });
  it('the office queries (issue #21): name search with LIKE characters literal, newest first, totals as numbers', async () => {
    const found = (
      await f.as('clerk', { url: `/api/employees?q=${encodeURIComponent(f.carol.name.slice(1, 5).toUpperCase())}` })
    ).json<{ items: Array<{ id: string }> }>().items;
    assert.ok(found.some((e) => e.id === f.carol.id));
    assert.deepEqual((await f.as('clerk', { url: '/api/employees?q=%25' })).json<{ items: unknown[] }>().items, []);
    const asc = (await f.as('clerk', { url: '/api/payments?limit=100' })).json<{
      items: Array<{ id: string; amount_cents: number }>;
    }>().items;
    const desc = (await f.as('clerk', { url: '/api/payments?limit=100&order=desc' })).json<{
      items: Array<{ id: string }>;
    }>().items;
    assert.deepEqual(
      desc.map((p) => p.id),
      [...asc].reverse().map((p) => p.id),
    );
    const totals = (await f.as('clerk', { url: '/api/payments/totals' })).json<{
      items: Array<{ total_cents: number; count: number }>;
    }>().items;
    assert.ok(totals.every((t) => typeof t.total_cents === 'number' && typeof t.count === 'number'));
    assert.equal(
      totals.reduce((sum, t) => sum + t.total_cents, 0),
      asc.reduce((sum, p) => sum + p.amount_cents, 0),
    );
  });
});
