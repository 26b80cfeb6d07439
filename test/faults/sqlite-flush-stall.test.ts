import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, problemOf } from '../helpers/harness.js';
import { paymentBody, payrollFixture, type PayrollFixture } from '../payroll/fixture.js';
import { gatedFlush } from '../helpers/wal-flush.js';

/**
 * SQLite's writes wait for the fdatasync that makes them durable (src/store/group-commit.ts). A
 * disk that stops answering must cost a write the statement deadline and a 503 with Retry-After
 * (docs/contract.md §12.1), never a request that hangs; nothing may be lost or run twice.
 */
describe('SQLite: a WAL flush that hangs is answered 503 within the statement deadline, and nothing is lost or doubled', () => {
  const disk = gatedFlush(true);
  let f: PayrollFixture;
  const pay = (key: string, memo: string) =>
    f.h.app.inject({
      method: 'POST',
      url: '/api/payments',
      headers: { ...bearer(f.tokens.admin), 'idempotency-key': key },
      payload: paymentBody(f.carol.id, { memo }),
    });
  const byMemo = async (memo: string) => (await f.allPayments()).filter((p) => p.memo === memo);

  before(async () => {
    f = await payrollFixture({ walFlush: disk.flush }, { BULWARK_DB_STATEMENT_TIMEOUT_MS: '300' });
  });
  after(async () => {
    disk.release();
    await f.close();
  });

  it('a payment whose flush hangs: 503 service_unavailable with Retry-After after the deadline; later writes fail at once; once the disk answers the retry replays the one payment', async () => {
    disk.state.passing = false;
    const started = performance.now();
    const first = await pay('stalled-key', 'stalled flush');
    const waited = performance.now() - started;
    assert.equal(first.statusCode, 503, first.body);
    assert.equal(problemOf(first).code, 'service_unavailable');
    assert.match(String(first.headers['content-type']), /application\/problem\+json/);
    assert.ok(Number(first.headers['retry-after']) >= 1, 'Retry-After');
    assert.ok(
      waited >= 280 && waited < 5_000,
      `answered after the 300 ms deadline, not later (${Math.round(waited)} ms)`,
    );
    assert.doesNotMatch(first.body, /fdatasync|WAL|SQLITE/i, 'no storage internals in the answer');

    // While the flush still hangs: another write is refused without waiting for a deadline of its
    // own, and without a second fdatasync queued behind the first.
    const calls = disk.gates.length;
    const laterStarted = performance.now();
    const later = await pay('later-key', 'while hung');
    assert.equal(later.statusCode, 503);
    assert.ok(performance.now() - laterStarted < 280, 'refused at once');
    assert.equal(disk.gates.length, calls, 'no second flush behind the hung one');
    // Reads do not wait for the disk.
    const me = await f.h.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(f.tokens.admin) });
    assert.equal(me.statusCode, 200);

    disk.release();
    // The stalled payment committed: its retry replays its answer, it exists once.
    const retry = await pay('stalled-key', 'stalled flush');
    assert.equal(retry.statusCode, 201, retry.body);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.equal((await byMemo('stalled flush')).length, 1);
    // The one refused while the flush hung was rolled back or is replayed: never twice.
    const again = await pay('later-key', 'while hung');
    assert.equal(again.statusCode, 201, again.body);
    assert.equal((await byMemo('while hung')).length, 1);
    // And the store writes normally again.
    assert.equal((await pay('after-key', 'after the stall')).statusCode, 201);
  });
});
