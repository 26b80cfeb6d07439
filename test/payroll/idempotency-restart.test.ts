import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer } from '../helpers/harness.js';
import { paymentBody, payrollFixture, type PayrollFixture } from './fixture.js';

const pay = (f: PayrollFixture, key: string, body: Record<string, unknown>) =>
  f.h.app.inject({
    method: 'POST',
    url: '/api/payments',
    headers: { ...bearer(f.tokens.admin), 'idempotency-key': key },
    payload: body,
  });

describe('payroll idempotency keys survive a restart', () => {
  let f: PayrollFixture;
  before(async () => {
    f = await payrollFixture();
  });
  after(() => f.close());

  it('close and reopen the store on the same data dir, then replay', async () => {
    const body = paymentBody(f.carol.id, { memo: 'restart' });
    const first = await pay(f, 'restart-key', body);
    assert.equal(first.statusCode, 201);
    await f.h.restart();
    const replay = await pay(f, 'restart-key', body);
    assert.equal(replay.statusCode, 201);
    assert.equal(replay.body, first.body);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal((await f.allPayments()).filter((p) => p.memo === 'restart').length, 1);
    const other = await pay(f, 'restart-key', paymentBody(f.carol.id, { memo: 'restart 2' }));
    assert.equal(other.statusCode, 422);
  });
});
