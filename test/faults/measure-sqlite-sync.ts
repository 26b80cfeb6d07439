/**
 * The cost of synchronous=FULL on the payment write path (not a test: run it by hand).
 *   node --conditions=bulwark-source --import tsx test/faults/measure-sqlite-sync.ts [count]
 * Each payment is what POST /api/payments commits: the idempotency claim (one commit), then the
 * payment and its stored answer (a second commit). Sequential (one client: latency) and 8 in
 * flight (throughput), on a file in the OS temp dir, for NORMAL and then FULL.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { employeesRepo } from '../../src/payroll/employees/employees-repo.js';
import { Idempotency } from '../../src/payroll/idempotency/idempotency.js';
import { payrollMigrations } from '../../src/payroll/index.js';
import { seedDemoPayroll } from '../../src/payroll/seed.js';
import { openStore } from '../../src/store/index.js';
import { insertPayment, killRequest, payrollDb } from './kill-payment.js';

const count = Number(process.argv[2] ?? 400);
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

for (const mode of ['NORMAL', 'FULL'] as const) {
  const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-sync-'));
  const store = await openStore({ dataDir, migrations: payrollMigrations });
  try {
    await sql.raw(`PRAGMA synchronous = ${mode}`).execute(store.db);
    const db = payrollDb(store.db);
    await seedDemoPayroll({ db } as never);
    const employee = (await employeesRepo(db).list({ limit: 1 })).items[0];
    if (employee === undefined) throw new Error('no employee');
    const idempotency = new Idempotency(db);
    const pay = async () => {
      const c = { key: randomUUID(), actor: 'bench', employeeId: employee.id, memo: 'bench' };
      const started = performance.now();
      await idempotency.run(killRequest(c), (trx) => insertPayment(trx, c));
      return performance.now() - started;
    };
    for (let i = 0; i < 20; i++) await pay();
    const latencies: number[] = [];
    const sequentialStart = performance.now();
    for (let i = 0; i < count; i++) latencies.push(await pay());
    const sequentialMs = performance.now() - sequentialStart;
    latencies.sort((a, b) => a - b);
    const parallelStart = performance.now();
    for (let i = 0; i < count / 8; i++) await Promise.all(Array.from({ length: 8 }, pay));
    const parallelMs = performance.now() - parallelStart;
    process.stdout.write(
      `${mode}: sequential ${Math.round((count / sequentialMs) * 1000)} payments/s, p50 ${pct(latencies, 50).toFixed(2)} ms, p99 ${pct(latencies, 99).toFixed(2)} ms; 8 in flight ${Math.round((count / parallelMs) * 1000)} payments/s\n`,
    );
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
