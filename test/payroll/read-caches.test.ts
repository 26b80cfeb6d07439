import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedDemoUsers } from '../../src/auth/users/demo-seed.js';
import { randomUUID } from 'node:crypto';
import { employeesRepo } from '../../src/payroll/employees/employees-repo.js';
import { paymentsRepo, type PaymentRecord } from '../../src/payroll/payments/payments-repo.js';
import { seedDemoPayroll } from '../../src/payroll/index.js';
import { createHarness, type Harness } from '../helpers/harness.js';

describe('payroll reads kept while their table is unchanged, never what a rollback undid', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    await seedDemoUsers(h.services, { linkEmployees: () => seedDemoPayroll(h.payroll) });
  });
  after(() => h.close());

  it('answers from memory between writes and sees every write of the table', async () => {
    const repo = employeesRepo(h.payroll.db);
    const [first] = (await repo.list({ limit: 1 })).items;
    assert.ok(first !== undefined);
    const kept = await repo.findById(first.id);
    assert.ok(kept !== undefined && Object.isFrozen(kept));
    assert.equal(await employeesRepo(h.payroll.db).findById(first.id), kept, 'the same record, from memory');

    await repo.update(first.id, { title: 'Head of Payroll' }, Date.now());
    assert.equal((await repo.findById(first.id))?.title, 'Head of Payroll');

    // Read inside a transaction that wrote the row, then rolled back: not kept.
    await assert.rejects(
      h.payroll.db.transaction().execute(async (trx) => {
        await employeesRepo(trx).update(first.id, { title: 'Never' }, Date.now());
        assert.equal((await employeesRepo(trx).findById(first.id))?.title, 'Never');
        throw new Error('abandoned');
      }),
      /abandoned/,
    );
    assert.equal((await repo.findById(first.id))?.title, 'Head of Payroll');
  });

  it('keeps list pages until a payment is written', async () => {
    const payments = paymentsRepo(h.payroll.db);
    const page = await payments.list({ limit: 5, order: 'desc' });
    assert.ok(Object.isFrozen(page) && Object.isFrozen(page.items));
    assert.equal(await payments.list({ limit: 5, order: 'desc' }), page, 'the same page, from memory');
    assert.notEqual(await payments.list({ limit: 5, order: 'asc' }), page, 'another query, its own page');

    const [employee] = (await employeesRepo(h.payroll.db).list({ limit: 1 })).items;
    assert.ok(employee !== undefined);
    const payment = (id: string): PaymentRecord => ({
      id,
      employeeId: employee.id,
      amountCents: 12_345,
      currency: 'EUR',
      period: '2027-01',
      kind: 'payment',
      reversesPaymentId: null,
      reversedByPaymentId: null,
      memo: 'cache test',
      createdBy: 'cache-test',
      createdAt: Date.now() + 60_000,
    });
    const rolledBack = randomUUID();
    await assert.rejects(
      h.payroll.db.transaction().execute(async (trx) => {
        await paymentsRepo(trx).insert(payment(rolledBack));
        assert.equal((await paymentsRepo(trx).list({ limit: 5, order: 'desc' })).items[0]?.id, rolledBack);
        throw new Error('abandoned');
      }),
      /abandoned/,
    );
    assert.notEqual((await payments.list({ limit: 5, order: 'desc' })).items[0]?.id, rolledBack);

    const written = randomUUID();
    await payments.insert(payment(written));
    assert.equal((await payments.list({ limit: 5, order: 'desc' })).items[0]?.id, written);
  });
});
