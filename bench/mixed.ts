import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { cpuDuring, WARM_UP_SECONDS } from './cpu.js';
import type { WritersJob, WritersResult } from './mixed-writers.js';
import { activeEmployees, paymentLoad } from './payment-load.js';
import { startBulwark } from './processes.js';

/** Reads beside writes: what durable commits cost the rest of the process. */
export interface MixedResult {
  meAlone: { perSec: number; p99Ms: number };
  /** Beside writers that write as fast as the server answers them: the core is shared, not stalled. */
  meUnderWrites: BesideWrites;
  /** Beside writers paced to {@link PACED_WRITES_PER_SEC} in all. */
  meUnderPacedWrites: BesideWrites;
  payments16: { perSec: number; cpuMicros: number; errors: number };
  payments1: { perSec: number };
}

/** GET /api/users/me's rate and p99 beside writers, and the writes they got answered. */
export interface BesideWrites {
  perSec: number;
  p99Ms: number;
  paymentsPerSec: number;
  refreshesPerSec: number;
}

/** The paced writers' rate: the ~385 writes/s the issue measured its 8 → 68 ms p99 beside, rounded up. */
export const PACED_WRITES_PER_SEC = 400;

/**
 * The beside-writes load (8 payment loops, 8 refresh chains) in a child process at nice 10 on the
 * load generator's core: in this process its calls and their GC pauses (up to 14 ms, seen with
 * monitorEventLoopDelay) delayed autocannon's own reads and were counted as the server's latency.
 * Niced, it yields the core whenever autocannon has work. Its requests go over raw keep-alive
 * connections (bench/keep-alive-client.ts): as `fetch` loops they took 2.3 ms of that core a write
 * and, with autocannon, all of it (round 14 in docs/benchmarks.md).
 */
async function startWriters(
  job: WritersJob,
): Promise<{ run(seconds: number): Promise<WritersResult>; stop(): Promise<void> }> {
  const child = fork(fileURLToPath(new URL('./mixed-writers.ts', import.meta.url)), [JSON.stringify(job)], {
    execPath: 'nice',
    execArgv: ['-n', '10', process.execPath, '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the writers exited with ${code} before they were ready`)));
  });
  return {
    run: (seconds) =>
      new Promise<WritersResult>((resolve, reject) => {
        const early = (code: number | null) => reject(new Error(`the writers exited with ${code}`));
        child.once('exit', early);
        child.once('message', (result: WritersResult) => {
          child.off('exit', early);
          resolve(result);
        });
        child.send({ seconds });
      }),
    stop: async () => {
      child.kill();
      await exited;
    },
  };
}

/**
 * On one server (SQLite, durable commits, pinned to CPU 0): GET /api/users/me alone (50
 * connections), then beside 8 payment writers and 8 refresh chains (as fast as answered, then
 * paced to the write rate); payments/s with 16 clients and with 1.
 */
export async function benchMixed(seconds: number, log: (line: string) => void = () => {}): Promise<MixedResult> {
  const bulwark = await startBulwark();
  try {
    const pid = bulwark.child.pid as number;
    const employees = await activeEmployees(bulwark);
    const job = { url: bulwark.url, token: bulwark.token, employees };
    const me = {
      url: `${bulwark.url}/api/users/me`,
      headers: { authorization: `Bearer ${bulwark.token}` },
      connections: 50,
    };
    await autocannon({ ...me, duration: 1 });
    const alone = await autocannon({ ...me, duration: seconds });
    const meAlone = { perSec: alone.requests.average, p99Ms: alone.latency.p99 };
    log(`  GET /api/users/me alone: ${Math.round(meAlone.perSec)}/s, p99 ${meAlone.p99Ms} ms`);

    const besideWriters = async (perSecond: number | undefined, label: string): Promise<BesideWrites> => {
      const writers = await startWriters({
        url: bulwark.url,
        token: bulwark.token,
        bobPassword: bulwark.password('bob'),
        employees,
        clients: 8,
        ...(perSecond === undefined ? {} : { perSecond }),
      });
      // The same mix first, unmeasured: the write paths warm (the optimising compiler's work and the
      // first flushes out of the figures), as every per-core row is measured after 3 s of its own load.
      await Promise.all([autocannon({ ...me, duration: WARM_UP_SECONDS }), writers.run(WARM_UP_SECONDS)]);
      const [under, written] = await Promise.all([autocannon({ ...me, duration: seconds }), writers.run(seconds)]);
      await writers.stop();
      const beside = {
        perSec: under.requests.average,
        p99Ms: under.latency.p99,
        paymentsPerSec: written.payments / seconds,
        refreshesPerSec: written.refreshes / seconds,
      };
      log(
        `  GET /api/users/me beside ${label}: ${Math.round(beside.perSec)}/s, p99 ${beside.p99Ms} ms (${Math.round(beside.paymentsPerSec)} payments/s, ${Math.round(beside.refreshesPerSec)} refreshes/s)`,
      );
      return beside;
    };
    const meUnderWrites = await besideWriters(undefined, 'writes as fast as answered');
    const meUnderPacedWrites = await besideWriters(PACED_WRITES_PER_SEC, `${PACED_WRITES_PER_SEC} writes/s`);

    // Its own load first, as every per-core row: the writers above were 8 clients, not these 16
    // connections (round 16: 2,059-2,237/s cold, 2,396-2,571/s after it).
    await paymentLoad(job, 16, WARM_UP_SECONDS);
    const { result, cpu, wall } = await cpuDuring(pid, () => paymentLoad(job, 16, seconds));
    const payments16 = {
      perSec: result.done / wall,
      cpuMicros: (cpu * 1e6) / Math.max(1, result.done),
      errors: result.errors,
    };
    log(
      `  POST /api/payments, 16 clients: ${Math.round(payments16.perSec)}/s (${Math.round(payments16.cpuMicros)} µs CPU each, ${payments16.errors} errors)`,
    );
    const one = await cpuDuring(pid, () => paymentLoad(job, 1, seconds));
    const payments1 = { perSec: one.result.done / one.wall };
    log(`  POST /api/payments, 1 client: ${Math.round(payments1.perSec)}/s`);
    return { meAlone, meUnderWrites, meUnderPacedWrites, payments16, payments1 };
  } finally {
    await bulwark.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchMixed(Number(process.argv[2] ?? 5), console.log);
}
