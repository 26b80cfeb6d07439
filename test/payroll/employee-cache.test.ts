import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedDemoUsers } from '../../src/auth/users/demo-seed.js';
import { employeesRepo } from '../../src/payroll/employees/employees-repo.js';
import { seedDemoPayroll } from '../../src/payroll/index.js';
import { createHarness, type Harness } from '../helpers/harness.js';

describe('employees by id: kept while the table is unchanged, never what a rollback undid', () => {
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
});
