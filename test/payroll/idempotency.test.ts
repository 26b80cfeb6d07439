import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requestHash } from '../../src/payroll/idempotency/canonical-json.js';
import { idempotencyKeysRepo } from '../../src/payroll/idempotency/idempotency-keys-repo.js';
import { paymentsRepo } from '../../src/payroll/payments/payments-repo.js';
import { Idempotency, IDEMPOTENCY_DEFAULTS } from '../../src/payroll/idempotency/idempotency.js';
import { SQLITE_FILE } from '../../src/store/open.js';
import { openSqliteDatabase } from '../../src/store/sqlite-driver.js';
import { bearer, problemOf } from '../helpers/harness.js';
import { idem, paymentBody, payrollFixture, type PayrollFixture } from './fixture.js';

const pay = (f: PayrollFixture, key: string, body: Record<string, unknown>, token = f.tokens.admin) =>
  f.h.app.inject({
    method: 'POST',
    url: '/api/payments',
    headers: { ...bearer(token), 'idempotency-key': key },
    payload: body,
  });

/** Payments in the database whose memo is this (each test uses its own memo). */
async function countByMemo(f: PayrollFixture, memo: string): Promise<number> {
  return (await f.allPayments()).filter((p) => p.memo === memo).length;
}

describe('payroll idempotency (Idempotency-Key on POST /api/payments and /reversal)', () => {
  let f: PayrollFixture;
  before(async () => {
    f = await payrollFixture({ payroll: { idempotency: { waitMs: 300 } } });
  });
  after(() => f.close());

  it('requires the header: missing, empty, too long or not printable ASCII is 400 invalid_request', async () => {
    const count = await f.paymentCount();
    const missing = await f.as('admin', { method: 'POST', url: '/api/payments', payload: paymentBody(f.carol.id) });
    assert.equal(missing.statusCode, 400);
    assert.equal(problemOf(missing).code, 'invalid_request');
    assert.match(problemOf(missing).detail ?? '', /idempotency-key/);
    for (const key of ['', 'k'.repeat(256), 'tab\there', 'caf\u00e9', 'x\u0001y']) {
      const response = await pay(f, key, paymentBody(f.carol.id));
      assert.equal(response.statusCode, 400, JSON.stringify(key));
      assert.equal(problemOf(response).code, 'invalid_request');
    }
    const reversal = await f.as('admin', { method: 'POST', url: `/api/payments/${f.carolPayment.id}/reversal` });
    assert.equal(reversal.statusCode, 400);
    assert.equal(await f.paymentCount(), count);
    assert.equal((await pay(f, 'k'.repeat(255), paymentBody(f.carol.id, { memo: 'longest key' }))).statusCode, 201);
  });

  it('same key, same body: the first answer again, byte for byte, with Idempotent-Replayed: true', async () => {
    const body = paymentBody(f.carol.id, { memo: 'replay' });
    const first = await pay(f, 'replay-key', body);
    assert.equal(first.statusCode, 201);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    const again = await pay(f, 'replay-key', body);
    assert.equal(again.statusCode, 201);
    assert.equal(again.body, first.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.headers['content-type'], first.headers['content-type']);
    // The same fields in another order are the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const third = await pay(f, 'replay-key', reordered);
    assert.equal(third.body, first.body);
    assert.equal(await countByMemo(f, 'replay'), 1);
  });

  it('same key, other body: 422 idempotency_key_reused and nothing is paid', async () => {
    const first = await pay(f, 'reuse-key', paymentBody(f.carol.id, { memo: 'reuse' }));
    assert.equal(first.statusCode, 201);
    for (const change of [
      { amount_cents: 250_001 },
      { employee_id: f.other.id },
      { period: '2026-12' },
      { memo: 'reuse!' },
    ]) {
      const response = await pay(f, 'reuse-key', paymentBody(f.carol.id, { memo: 'reuse', ...change }));
      assert.equal(response.statusCode, 422, JSON.stringify(change));
      assert.equal(problemOf(response).code, 'idempotency_key_reused');
    }
    assert.equal(await countByMemo(f, 'reuse'), 1);
    assert.equal(await countByMemo(f, 'reuse!'), 0);
  });

  it("keys are scoped per actor: another admin's same key is another request", async () => {
    await f.h.addUser('erin', 'admin');
    const erin = (await f.h.login('erin', 'erin-Correct-Horse-42')).access_token;
    const body = paymentBody(f.carol.id, { memo: 'per actor' });
    const a = await pay(f, 'shared-key', body);
    const b = await pay(f, 'shared-key', body, erin);
    assert.equal(a.statusCode, 201);
    assert.equal(b.statusCode, 201);
    assert.equal(b.headers['idempotent-replayed'], undefined);
    assert.notEqual(a.json<{ id: string }>().id, b.json<{ id: string }>().id);
    assert.equal(await countByMemo(f, 'per actor'), 2);
  });

  it('20 concurrent identical requests: exactly one payment, 20 identical answers', async () => {
    const body = paymentBody(f.other.id, { memo: 'concurrent' });
    const responses = await Promise.all(Array.from({ length: 20 }, () => pay(f, 'concurrent-key', body)));
    assert.deepEqual(new Set(responses.map((r) => r.statusCode)), new Set([201]));
    assert.equal(new Set(responses.map((r) => r.body)).size, 1, 'byte-identical bodies');
    assert.equal(responses.filter((r) => r.headers['idempotent-replayed'] === 'true').length, 19);
    const rows = await f.h.payroll.db
      .selectFrom('payments')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('memo', '=', 'concurrent')
      .executeTakeFirstOrThrow();
    assert.equal(Number(rows.n), 1);
  });

  it('20 concurrent reversals with one key: one reversal; with 20 keys: one 201 and 19 × 409', async () => {
    const one = await pay(f, 'to-reverse-1', paymentBody(f.other.id, { memo: 'reverse me 1' }));
    const two = await pay(f, 'to-reverse-2', paymentBody(f.other.id, { memo: 'reverse me 2' }));
    const reverse = (id: string, key: string) =>
      f.as('admin', { method: 'POST', url: `/api/payments/${id}/reversal`, headers: { 'idempotency-key': key } });
    const sameKey = await Promise.all(
      Array.from({ length: 20 }, () => reverse(one.json<{ id: string }>().id, 'reverse-key')),
    );
    assert.deepEqual(new Set(sameKey.map((r) => r.statusCode)), new Set([201]));
    assert.equal(new Set(sameKey.map((r) => r.body)).size, 1);
    const manyKeys = await Promise.all(
      Array.from({ length: 20 }, (_, i) => reverse(two.json<{ id: string }>().id, `reverse-key-${i}`)),
    );
    assert.equal(manyKeys.filter((r) => r.statusCode === 201).length, 1);
    assert.equal(manyKeys.filter((r) => r.statusCode === 409).length, 19);
    const reversals = (await f.allPayments()).filter(
      (p) => p.kind === 'reversal' && [one, two].some((r) => r.json<{ id: string }>().id === p.reversesPaymentId),
    );
    assert.equal(reversals.length, 2);
  });

  it('the same key on a reversal of another payment is 422, not a replay', async () => {
    const a = await pay(f, 'rk-a', paymentBody(f.other.id, { memo: 'rk a' }));
    const b = await pay(f, 'rk-b', paymentBody(f.other.id, { memo: 'rk b' }));
    const first = await f.as('admin', {
      method: 'POST',
      url: `/api/payments/${a.json<{ id: string }>().id}/reversal`,
      headers: idem('rk-reversal'),
    });
    assert.equal(first.statusCode, 201);
    const other = await f.as('admin', {
      method: 'POST',
      url: `/api/payments/${b.json<{ id: string }>().id}/reversal`,
      headers: idem('rk-reversal'),
    });
    assert.equal(other.statusCode, 422);
    assert.equal(problemOf(other).code, 'idempotency_key_reused');
    // No body and an empty body are the same request.
    const replay = await f.as('admin', {
      method: 'POST',
      url: `/api/payments/${a.json<{ id: string }>().id}/reversal`,
      headers: idem('rk-reversal'),
      payload: {},
    });
    assert.equal(replay.body, first.body);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
  });

  it('a failed request releases its key: the retry runs again instead of replaying the failure', async () => {
    const leaver = f.everyone.find((e) => e.status === 'on_leave');
    assert.ok(leaver);
    const body = paymentBody(leaver.id, { memo: 'after leave', currency: leaver.currency });
    const refused = await pay(f, 'release-key', body);
    assert.equal(refused.statusCode, 409);
    const key = { key: 'release-key', actor: f.adminId, route: 'payments.create' };
    assert.equal(await idempotencyKeysRepo(f.h.payroll.db).find(key), undefined, 'no key left behind');
    assert.equal(
      (await f.as('admin', { method: 'PATCH', url: `/api/employees/${leaver.id}`, payload: { status: 'active' } }))
        .statusCode,
      200,
    );
    const paid = await pay(f, 'release-key', body);
    assert.equal(paid.statusCode, 201);
    assert.equal(paid.headers['idempotent-replayed'], undefined);
  });

  it('a key held by a live request of another instance: 409 after the wait; taken over once its lease ends', async () => {
    const body = paymentBody(f.carol.id, { memo: 'stuck' });
    const hash = requestHash('payments.create', { body: { ...body } });
    const id = { key: 'stuck-key', actor: f.adminId, route: 'payments.create' };
    const now = f.h.clock.now();
    const claim = {
      owner: 'another-instance',
      claimId: 'its-claim',
      claimedAt: now,
      leaseUntil: now + IDEMPOTENCY_DEFAULTS.leaseMs,
    };
    assert.ok(await idempotencyKeysRepo(f.h.payroll.db).claim(id, hash, claim, now + 86_400_000));
    const started = performance.now();
    const waiting = await pay(f, 'stuck-key', body);
    assert.equal(waiting.statusCode, 409);
    assert.equal(problemOf(waiting).code, 'conflict');
    assert.match(problemOf(waiting).detail ?? '', /still being processed/);
    assert.ok(performance.now() - started >= 250, 'it waited for the holder first');
    assert.equal(await countByMemo(f, 'stuck'), 0);
    f.h.clock.advance(IDEMPOTENCY_DEFAULTS.leaseMs / 1000);
    const retried = await pay(f, 'stuck-key', body);
    assert.equal(retried.statusCode, 201);
    assert.equal(await countByMemo(f, 'stuck'), 1);
  });

  it('the payment and its stored answer commit together: an operation that fails after inserting leaves neither', async () => {
    const idempotency = new Idempotency(f.h.payroll.db, f.h.clock.now);
    const before = await f.paymentCount();
    const id = { key: 'atomic-key', actor: f.adminId, route: 'payments.create' };
    await assert.rejects(
      idempotency.run({ ...id, request: { n: 1 } }, async (trx) => {
        await paymentsRepo(trx).insert({ ...f.carolPayment, id: 'half-done', reversedByPaymentId: null, memo: 'half' });
        throw new Error('crash before the answer is stored');
      }),
      /crash before/,
    );
    assert.equal(await f.paymentCount(), before);
    assert.equal(await idempotencyKeysRepo(f.h.payroll.db).find(id), undefined);
  });

  it("SQLite: the key is claimed in the payment's own transaction, so no other connection ever sees it in progress", async () => {
    assert.equal(f.h.store.kind, 'sqlite');
    const other = openSqliteDatabase(join(f.h.dataDir, SQLITE_FILE));
    // node:sqlite (Node 24) answers rows with a null prototype: compare the fields.
    const keyRow = () =>
      (other.prepare('select status from idempotency_keys where key = ?').all(['one-commit-key']) as object[]).map(
        (row) => ({ ...row }),
      );
    try {
      const idempotency = new Idempotency(f.h.payroll.db, f.h.clock.now);
      const id = { key: 'one-commit-key', actor: f.adminId, route: 'payments.create' };
      const seenInside: unknown[] = [];
      const answer = await idempotency.run({ ...id, request: { n: 2 } }, async (trx) => {
        seenInside.push(...keyRow());
        await paymentsRepo(trx).insert({ ...f.carolPayment, id: 'one-commit', reversedByPaymentId: null, memo: 'one' });
        return { result: null, status: 201, body: '{}' };
      });
      assert.deepEqual(seenInside, [], 'the claim is not committed apart from the payment');
      assert.deepEqual(answer, { replayed: false, result: null, status: 201, body: '{}' });
      assert.deepEqual(keyRow(), [{ status: 'done' }]);
      const replay = await idempotency.run({ ...id, request: { n: 2 } }, () => Promise.reject(new Error('ran twice')));
      assert.deepEqual(replay, { replayed: true, status: 201, body: '{}' });
    } finally {
      other.close();
    }
  });

  it('keys live 24 hours: after that the same key is a new request', async () => {
    const body = paymentBody(f.carol.id, { memo: 'expiry' });
    assert.equal((await pay(f, 'expiry-key', body)).statusCode, 201);
    f.h.clock.advance(23 * 3600);
    const fresh = (await f.h.login('alice', 'alice-Correct-Horse-42')).access_token;
    const replay = await pay(f, 'expiry-key', body, fresh);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    f.h.clock.advance(3600 + 1);
    const later = (await f.h.login('alice', 'alice-Correct-Horse-42')).access_token;
    const again = await pay(f, 'expiry-key', body, later);
    assert.equal(again.statusCode, 201);
    assert.equal(again.headers['idempotent-replayed'], undefined);
    assert.equal(await countByMemo(f, 'expiry'), 2);
    assert.ok((await f.h.payroll.idempotency.purgeExpired()) > 0, 'expired keys are purged');
    f.tokens.admin = later;
  });
});
