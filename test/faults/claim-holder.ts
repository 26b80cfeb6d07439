/**
 * A process that claims an idempotency key and dies holding it: it starts the payment, says
 * `holding` on stdout and then never finishes (its lease renewal keeps running) until the test
 * kills it with SIGKILL. On Postgres it inserts its payment first (uncommitted: the kill must
 * roll it back); on SQLite it writes nothing before hanging, since an open write transaction
 * would lock the whole database, as a dying writer's does until it is gone.
 * Input: BULWARK_KILL_CASE (JSON: KillCase plus databaseUrl, dataDir, leaseMs, insertFirst).
 */
import { payrollMigrations } from '../../src/payroll/index.js';
import { Idempotency } from '../../src/payroll/idempotency/idempotency.js';
import { openStore } from '../../src/store/index.js';
import { insertPayment, killRequest, payrollDb, type KillCase } from './kill-payment.js';

const input = JSON.parse(process.env.BULWARK_KILL_CASE ?? '{}') as KillCase & {
  databaseUrl?: string;
  dataDir: string;
  leaseMs: number;
  insertFirst: boolean;
};
const store = await openStore({
  databaseUrl: input.databaseUrl,
  dataDir: input.dataDir,
  migrations: payrollMigrations,
});
const idempotency = new Idempotency(payrollDb(store.db), Date.now, { leaseMs: input.leaseMs });
setInterval(() => undefined, 60_000);
await idempotency.run(killRequest(input), async (trx) => {
  if (input.insertFirst) await insertPayment(trx, input);
  process.stdout.write('holding\n');
  return new Promise<never>(() => undefined);
});
