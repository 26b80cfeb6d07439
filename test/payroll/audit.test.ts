import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPayrollServices, type PayrollAudit } from '../../src/payroll/index.js';
import type { NewPaymentBody } from '../../src/payroll/payments/payment-input.js';
import type { AuditEvent } from '../../src/store/types.js';
import { employeeBody, idem, paymentBody, payrollFixture, type PayrollFixture } from './fixture.js';

const NEW_IBAN = 'GB82WEST12345698765432';
const PATCHED_IBAN = 'DE89 3704 0044 0532 0130 00';

describe('payroll audit: every write is recorded, never with a bank number in clear', () => {
  let f: PayrollFixture;
  const events = async (type: string): Promise<AuditEvent[]> =>
    (await f.h.services.store.audit.list({ type }, { limit: 100 })).items;
  before(async () => {
    f = await payrollFixture();
  });
  after(() => f.close());

  it('employee.created: actor, target, the fields given and the account masked', async () => {
    const created = await f.as('admin', {
      method: 'POST',
      url: '/api/employees',
      payload: employeeBody({ bank_account: NEW_IBAN }),
    });
    const id = created.json<{ id: string }>().id;
    const [event] = (await events('employee.created')).filter((e) => e.targetId === id);
    assert.ok(event);
    assert.equal(event.actorId, f.adminId);
    assert.deepEqual(event.details.fields, [
      'bank_account',
      'currency',
      'department',
      'email',
      'hired_on',
      'name',
      'salary_cents',
      'title',
    ]);
    assert.equal(event.details.bank_account, 'GB** **** **** **** **54 32');
    assert.ok(!JSON.stringify(event).includes(NEW_IBAN));
  });

  it('employee.updated: the names of the fields that changed', async () => {
    await f.as('admin', {
      method: 'PATCH',
      url: `/api/employees/${f.other.id}`,
      payload: { bank_account: PATCHED_IBAN, title: 'Principal Engineer', name: f.other.name },
    });
    const [event] = (await events('employee.updated')).filter((e) => e.targetId === f.other.id);
    assert.ok(event);
    assert.equal(event.actorId, f.adminId);
    assert.deepEqual(event.details.changed, ['bank_account', 'title']);
    assert.equal(event.details.bank_account, 'DE** **** **** **** **30 00');
  });

  it('payment.issued and payment.reversed: amount and currency; a replay records nothing more', async () => {
    const key = idem('audit-key');
    const paid = await f.as('admin', {
      method: 'POST',
      url: '/api/payments',
      headers: key,
      payload: paymentBody(f.carol.id, { amount_cents: 123_456, currency: 'EUR' }),
    });
    const payment = paid.json<{ id: string }>();
    await f.as('admin', {
      method: 'POST',
      url: '/api/payments',
      headers: key,
      payload: paymentBody(f.carol.id, { amount_cents: 123_456, currency: 'EUR' }),
    });
    const issued = (await events('payment.issued')).filter((e) => e.targetId === payment.id);
    assert.equal(issued.length, 1, 'one event, not one per replay');
    assert.equal(issued[0]?.actorId, f.adminId);
    assert.deepEqual(issued[0]?.details, {
      employee_id: f.carol.id,
      amount_cents: 123_456,
      currency: 'EUR',
      period: '2026-11',
    });
    const reversed = await f.as('admin', {
      method: 'POST',
      url: `/api/payments/${payment.id}/reversal`,
      headers: idem(),
    });
    const reversal = reversed.json<{ id: string }>();
    const [event] = (await events('payment.reversed')).filter((e) => e.targetId === payment.id);
    assert.ok(event);
    assert.deepEqual(event.details, {
      reversal_id: reversal.id,
      employee_id: f.carol.id,
      amount_cents: -123_456,
      currency: 'EUR',
      period: '2026-11',
    });
  });

  it('refused writes record no payroll event', async () => {
    const count = async () =>
      (
        await Promise.all(['employee.created', 'employee.updated', 'payment.issued', 'payment.reversed'].map(events))
      ).flat().length;
    const before = await count();
    await f.as('clerk', { method: 'POST', url: '/api/employees', payload: employeeBody() });
    await f.as('employee', { method: 'POST', url: '/api/payments', headers: idem(), payload: paymentBody(f.carol.id) });
    await f.as('admin', {
      method: 'POST',
      url: '/api/payments',
      headers: idem(),
      payload: paymentBody(f.carol.id, { amount_cents: 0 }),
    });
    await f.as('admin', { method: 'POST', url: `/api/payments/${f.carolPayment.id}/reversal`, headers: idem() });
    await f.as('admin', { method: 'POST', url: `/api/payments/${f.carolPayment.id}/reversal`, headers: idem() });
    assert.equal(await count(), before + 1, 'only the one successful reversal');
  });

  it('no audit event anywhere holds any bank account number in clear', async () => {
    const all = (await f.h.services.store.audit.list({}, { limit: 100 })).items;
    const text = JSON.stringify(all);
    for (const iban of [
      ...f.everyone.map((e) => e.bankAccount),
      NEW_IBAN,
      PATCHED_IBAN.replace(/ /g, ''),
      PATCHED_IBAN,
    ])
      assert.ok(!text.includes(iban), iban);
    const viaApi = await f.as('admin', { url: '/api/audit-events?type=payment.issued' });
    assert.equal(viaApi.statusCode, 200);
    assert.ok(viaApi.json<{ items: unknown[] }>().items.length >= 1);
  });
});

describe('payroll audit: the event commits with the write, or neither does', () => {
  let f: PayrollFixture;
  before(async () => {
    f = await payrollFixture();
  });
  after(() => f.close());

  /** An audit log whose writes fail inside the transaction (a full disk, a lost connection). */
  const failing: PayrollAudit = {
    within: () => failing,
    record: () => Promise.reject(new Error('audit write failed')),
  };
  const admin = () => ({
    userId: f.adminId,
    permissions: new Set(['payroll:read', 'payroll:write']),
    employeeId: undefined,
    ip: null,
  });

  it('a payment whose audit event cannot be written is not made, and its Idempotency-Key stays usable', async () => {
    const broken = createPayrollServices({ db: f.h.store.db, audit: failing });
    const before = await f.paymentCount();
    const body = paymentBody(f.carol.id, { amount_cents: 4_242 }) as unknown as NewPaymentBody;
    await assert.rejects(broken.payments.issue(admin(), 'atomic-audit-1', body, JSON.stringify), /audit write failed/);
    assert.equal(await f.paymentCount(), before, 'no payment without its audit event');
    const retried = await f.as('admin', {
      method: 'POST',
      url: '/api/payments',
      headers: { 'idempotency-key': 'atomic-audit-1' },
      payload: body,
    });
    assert.equal(retried.statusCode, 201, retried.body);
    assert.equal(await f.paymentCount(), before + 1);
    const id = retried.json<{ id: string }>().id;
    assert.equal(
      (await f.h.services.store.audit.list({ type: 'payment.issued' }, { limit: 100 })).items.filter(
        (e) => e.targetId === id,
      ).length,
      1,
    );
  });

  it('a reversal, an employee created or updated: no write without its event', async () => {
    const broken = createPayrollServices({ db: f.h.store.db, audit: failing });
    const payments = await f.paymentCount();
    await assert.rejects(
      broken.payments.reverse(admin(), 'atomic-audit-2', f.otherPayment.id, {}, JSON.stringify),
      /audit write failed/,
    );
    assert.equal(await f.paymentCount(), payments);
    assert.equal((await f.allPayments()).find((p) => p.id === f.otherPayment.id)?.reversedByPaymentId, null);
    const employees = await f.employeeCount();
    await assert.rejects(broken.employees.create(admin(), employeeBody()), /audit write failed/);
    assert.equal(await f.employeeCount(), employees);
    await assert.rejects(broken.employees.update(admin(), f.other.id, { title: 'Not Recorded' }), /audit write failed/);
    assert.notEqual((await f.findEmployee(f.other.id))?.title, 'Not Recorded');
  });
});
