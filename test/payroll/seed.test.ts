import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seedDemoUsers } from '../../src/auth/users/demo-seed.js';
import { employeesRepo } from '../../src/payroll/employees/employees-repo.js';
import { paymentsRepo } from '../../src/payroll/payments/payments-repo.js';
import { isCurrency } from '../../src/payroll/domain/currencies.js';
import { isRealDate } from '../../src/payroll/domain/dates.js';
import { isValidIban } from '../../src/payroll/domain/iban.js';
import { seedDemoPayroll } from '../../src/payroll/index.js';
import { bearer, createHarness, type Harness } from '../helpers/harness.js';
import { demoPassword } from '../helpers/process.js';

describe('demo seed: the company first, then carol linked to her record', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  it('seeds ~10 valid employees, three months of payments with one reversed duplicate, and links carol', async () => {
    const seeded = await seedDemoUsers(h.services, { linkEmployees: () => seedDemoPayroll(h.payroll) });
    assert.ok(seeded);
    const employees = (await employeesRepo(h.payroll.db).list({ limit: 100 })).items;
    assert.equal(employees.length, 10);
    assert.ok(new Set(employees.map((e) => e.department)).size >= 4);
    for (const e of employees) {
      assert.ok(isValidIban(e.bankAccount), `${e.name}: ${e.bankAccount}`);
      assert.ok(isCurrency(e.currency) && isRealDate(e.hiredOn) && e.salaryCents > 0, e.name);
    }
    const carolRecord = employees.find((e) => e.email === 'carol.nguyen@example.com');
    const carolUser = await h.services.store.users.findByUsername('carol');
    assert.equal(carolUser?.attributes?.employee_id, carolRecord?.id);
    assert.equal((await h.services.store.users.findByUsername('alice'))?.attributes?.employee_id, undefined);
    const payments = (await paymentsRepo(h.payroll.db).list({ limit: 1000 })).items;
    assert.deepEqual([...new Set(payments.map((p) => p.period))].sort(), ['2026-08', '2026-09', '2026-10']);
    const reversals = payments.filter((p) => p.kind === 'reversal');
    assert.equal(reversals.length, 1);
    assert.equal(payments.find((p) => p.id === reversals[0]?.reversesPaymentId)?.reversedByPaymentId, reversals[0]?.id);
    const terminated = employees.find((e) => e.status === 'terminated');
    assert.ok(
      !payments.some((p) => p.employeeId === terminated?.id && p.period === '2026-10'),
      'no pay after termination',
    );
    assert.ok(readFileSync(join(h.dataDir, 'demo-credentials.txt'), 'utf8').includes('carol'));
  });

  it('carol logs in and sees her record and her payments only', async () => {
    const password = demoPassword(h.dataDir, 'carol');
    const token = (await h.login('carol', password)).access_token;
    const list = (await h.app.inject({ url: '/api/employees', headers: bearer(token) })).json<{
      items: Array<{ email: string }>;
    }>();
    assert.deepEqual(
      list.items.map((e) => e.email),
      ['carol.nguyen@example.com'],
    );
    const payments = (await h.app.inject({ url: '/api/payments', headers: bearer(token) })).json<{
      items: unknown[];
    }>();
    assert.equal(payments.items.length, 3);
  });

  it('runs again safely: existing employees are not duplicated and the links are found again', async () => {
    const first = await employeesRepo(h.payroll.db).count();
    const links = await seedDemoPayroll(h.payroll);
    assert.equal(await employeesRepo(h.payroll.db).count(), first);
    assert.equal(links.carol, (await h.services.store.users.findByUsername('carol'))?.attributes?.employee_id);
    assert.equal(
      await seedDemoUsers(h.services, { linkEmployees: () => Promise.reject(new Error('must not run')) }),
      undefined,
    );
  });
});
