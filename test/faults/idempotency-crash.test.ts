import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ConflictError } from '../../src/errors/index.js';
import { requestHash } from '../../src/payroll/idempotency/canonical-json.js';
import { processClaimOwner } from '../../src/payroll/idempotency/claim-owner.js';
import { idempotencyKeysRepo } from '../../src/payroll/idempotency/idempotency-keys-repo.js';
import { Idempotency } from '../../src/payroll/idempotency/idempotency.js';
import { bearer, problemOf } from '../helpers/harness.js';
import { createTestSchema, SKIP_POSTGRES } from '../helpers/postgres.js';
import { paymentBody, payrollFixture, type PayrollFixture } from '../payroll/fixture.js';
import { insertPayment, killRequest, type KillCase } from './kill-payment.js';

const HOLDER = fileURLToPath(new URL('./claim-holder.ts', import.meta.url));

/** Starts claim-holder.ts and resolves once it holds the key (mid-payment). */
function startHolder(input: Record<string, unknown>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=bulwark-source', '--import', 'tsx', HOLDER], {
      env: { ...process.env, BULWARK_KILL_CASE: JSON.stringify(input) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the holder did not claim within 20 s:\n${output}`));
    }, 20_000);
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (!output.includes('holding')) return;
      clearTimeout(timer);
      resolve(child);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the holder exited with ${code}:\n${output}`));
    });
  });
}

function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/**
 * `renewsInTransaction`: Postgres renews the lease on another pooled connection while the payment's
 * transaction is open. SQLite has one connection per process, held by that transaction, so the
 * renewal waits for it: a transaction that outlives the lease may be taken over, and then rolls
 * back (its completion is a compare-and-set on its claim), so exactly-once holds either way.
 */
const backends = [
  { name: 'SQLite', skip: false as string | false, schema: false, renewsInTransaction: false },
  { name: 'Postgres', skip: SKIP_POSTGRES, schema: true, renewsInTransaction: true },
];

for (const backend of backends) {
  if (backend.skip !== false)
    it(`idempotency after a crash on ${backend.name}`, { skip: backend.skip }, () => undefined);

  describe(
    `idempotency after a crash (${backend.name}): a retry completes at once, exactly once`,
    { skip: backend.skip },
    () => {
      let f: PayrollFixture;
      let schema: Awaited<ReturnType<typeof createTestSchema>> | undefined;
      let holder: ChildProcess | undefined;
      before(async () => {
        schema = backend.schema ? await createTestSchema('bulwark_faults') : undefined;
        // A short wait: a retry that returns 201 did not wait for anybody's lease.
        f = await payrollFixture(
          { payroll: { idempotency: { waitMs: 300 } } },
          schema === undefined ? {} : { BULWARK_DATABASE_URL: schema.url },
        );
      });
      after(async () => {
        if (holder !== undefined) await kill9(holder);
        await f?.close();
        await schema?.drop();
      });

      const pay = (key: string, body: Record<string, unknown>) =>
        f.h.app.inject({
          method: 'POST',
          url: '/api/payments',
          headers: { ...bearer(f.tokens.admin), 'idempotency-key': key },
          payload: body,
        });
      const count = async (memo: string) => (await f.allPayments()).filter((p) => p.memo === memo).length;
      /** Leaves a claim row as a request that never finished would. */
      const leaveClaim = async (key: string, body: Record<string, unknown>, owner: string, leaseUntil: number) => {
        const id = { key, actor: f.adminId, route: 'payments.create' };
        const now = f.h.clock.now();
        const claim = { owner, claimId: randomUUID(), claimedAt: now - 1_000, leaseUntil };
        // On the app's clock: a lease end is stored as its distance from the database's now on the
        // writer's clock, so a claim written on another clock than the app reads with is off by the
        // gap between them (on Postgres, by the query's latency: a lease lapsed 1 ms ago looked live).
        assert.ok(
          await idempotencyKeysRepo(f.h.payroll.db, f.h.clock.now).claim(
            id,
            requestHash('payments.create', { body: { ...body } }),
            claim,
            now + 86_400_000,
          ),
        );
        return id;
      };

      it("a crashed instance's claim (lease lapsed) is taken over by the retry: 201 at once, one payment", async () => {
        const body = paymentBody(f.carol.id, { memo: 'crashed elsewhere' });
        const id = await leaveClaim('crashed-key', body, 'dead-instance', f.h.clock.now() - 1);
        const retry = await pay('crashed-key', body);
        assert.equal(retry.statusCode, 201);
        assert.equal(retry.headers['idempotent-replayed'], undefined);
        assert.equal(await count('crashed elsewhere'), 1);
        const row = await idempotencyKeysRepo(f.h.payroll.db).find(id);
        assert.equal(row?.status, 'done');
        assert.equal(row?.owner, processClaimOwner.id);
        const replay = await pay('crashed-key', body);
        assert.equal(replay.body, retry.body);
        assert.equal(replay.headers['idempotent-replayed'], 'true');
      });

      it("this process's own claim with no request behind it (restarted) is taken over at once, though its lease runs", async () => {
        const body = paymentBody(f.carol.id, { memo: 'own leftover' });
        await leaveClaim('own-key', body, processClaimOwner.id, f.h.clock.now() + 60_000);
        const retry = await pay('own-key', body);
        assert.equal(retry.statusCode, 201);
        assert.equal(await count('own leftover'), 1);
      });

      it('a live claim of another instance (lease running) is not taken: 409 after the wait, nothing paid', async () => {
        const body = paymentBody(f.carol.id, { memo: 'live elsewhere' });
        await leaveClaim('live-key', body, 'live-instance', f.h.clock.now() + 60_000);
        const retry = await pay('live-key', body);
        assert.equal(retry.statusCode, 409);
        assert.match(problemOf(retry).detail ?? '', /still being processed/);
        assert.equal(await count('live elsewhere'), 0);
      });

      it('ten concurrent retries of an abandoned claim: one payment, ten identical 201s', async () => {
        const body = paymentBody(f.carol.id, { memo: 'racing retries' });
        await leaveClaim('race-key', body, 'dead-instance', f.h.clock.now() - 1);
        const answers = await Promise.all(Array.from({ length: 10 }, () => pay('race-key', body)));
        assert.deepEqual(new Set(answers.map((a) => a.statusCode)), new Set([201]));
        assert.equal(new Set(answers.map((a) => a.body)).size, 1);
        assert.equal(await count('racing retries'), 1);
      });

      // Needs a second connection while the holder's transaction is open: Postgres only (SQLite has one).
      if (backend.renewsInTransaction)
        it('a holder whose claim was taken over cannot complete: its payment rolls back (exactly once never rests on the lease)', async () => {
          const c: KillCase = {
            key: `lost-${randomUUID()}`,
            actor: f.adminId,
            employeeId: f.carol.id,
            memo: `lost claim ${backend.name}`,
          };
          const id = { key: c.key, actor: c.actor, route: 'payments.create' };
          let proceed: () => void = () => undefined;
          let inside: () => void = () => undefined;
          const entered = new Promise<void>((resolve) => {
            inside = resolve;
          });
          const slow = new Idempotency(f.h.payroll.db, Date.now).run(killRequest(c), async (trx) => {
            const rendered = await insertPayment(trx, c);
            inside();
            await new Promise<void>((resolve) => {
              proceed = resolve;
            });
            return rendered;
          });
          await entered;
          const held = await idempotencyKeysRepo(f.h.payroll.db).find(id);
          assert.ok(held !== undefined);
          const now = Date.now();
          assert.ok(
            await idempotencyKeysRepo(f.h.payroll.db).takeOver(
              id,
              held.claimId,
              { owner: 'other-instance', claimId: randomUUID(), claimedAt: now, leaseUntil: now + 60_000 },
              now + 86_400_000,
            ),
          );
          proceed();
          await assert.rejects(slow, ConflictError);
          assert.equal(await count(c.memo), 0, 'the payment of the holder that lost its claim was rolled back');
        });

      it(`kill -9 mid-payment: ${backend.renewsInTransaction ? 'waited for while alive (its lease is renewed), ' : ''}completed by the retry once it is dead`, async () => {
        const leaseMs = 1_000;
        const c: KillCase = {
          key: `kill-${randomUUID()}`,
          actor: f.adminId,
          employeeId: f.carol.id,
          memo: `killed ${backend.name}`,
        };
        holder = await startHolder({
          ...c,
          leaseMs,
          dataDir: f.h.dataDir,
          databaseUrl: schema?.url,
          insertFirst: backend.schema,
        });
        const retrier = (waitMs: number) => new Idempotency(f.h.payroll.db, Date.now, { leaseMs, waitMs });

        if (backend.renewsInTransaction) {
          // Alive for 2.5 leases: a claim that was not renewed would have been taken over.
          await assert.rejects(
            retrier(2_500).run(killRequest(c), (trx) => insertPayment(trx, c)),
            ConflictError,
          );
          assert.equal(await count(c.memo), 0);
        }

        await kill9(holder);
        const started = performance.now();
        const answer = await retrier(5_000).run(killRequest(c), (trx) => insertPayment(trx, c));
        const tookMs = performance.now() - started;
        assert.equal(answer.replayed, false);
        assert.equal(answer.status, 201);
        assert.ok(tookMs < leaseMs + 2_000, `the retry completed ${Math.round(tookMs)} ms after the kill`);
        assert.equal(await count(c.memo), 1, "exactly one payment: the dead holder's uncommitted one is gone");
        const replay = await retrier(5_000).run(killRequest(c), (trx) => insertPayment(trx, c));
        assert.deepEqual(replay, { replayed: true, status: 201, body: answer.body });
      });
    },
  );
}
