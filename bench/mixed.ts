import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { cpuDuring } from './cpu.js';
import { login, startBulwark, type BulwarkProcess } from './processes.js';

/** Reads beside writes: what durable commits cost the rest of the process. */
export interface MixedResult {
  meAlone: { perSec: number; p99Ms: number };
  meUnderWrites: { perSec: number; p99Ms: number; paymentsPerSec: number; refreshesPerSec: number };
  payments16: { perSec: number; cpuMicros: number; errors: number };
  payments1: { perSec: number };
}

async function employeeIds(bulwark: BulwarkProcess): Promise<string[]> {
  const answer = await fetch(`${bulwark.url}/api/employees?limit=20`, {
    headers: { authorization: `Bearer ${bulwark.token}` },
  });
  const { items } = (await answer.json()) as { items: Array<{ id: string; status: string }> };
  return items.filter((e) => e.status === 'active').map((e) => e.id);
}

/** `clients` loops posting payments (each its own Idempotency-Key) until `end`; answered 201s. */
async function payments(
  bulwark: BulwarkProcess,
  employees: string[],
  clients: number,
  end: number,
): Promise<{ done: number; errors: number }> {
  let done = 0;
  let errors = 0;
  const headers = { authorization: `Bearer ${bulwark.token}`, 'content-type': 'application/json' };
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; performance.now() < end; i++) {
        const body = JSON.stringify({
          employee_id: employees[(c + i) % employees.length],
          amount_cents: 1000 + i,
          currency: 'EUR',
          period: '2027-01',
          memo: 'bench',
        });
        const response = await fetch(`${bulwark.url}/api/payments`, {
          method: 'POST',
          headers: { ...headers, 'idempotency-key': randomUUID() },
          body,
        });
        await response.arrayBuffer();
        if (response.status === 201) done++;
        else errors++;
      }
    }),
  );
  return { done, errors };
}

async function refreshes(bulwark: BulwarkProcess, clients: number, end: number): Promise<number> {
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      let refresh = (await login(bulwark.url, 'bob', bulwark.password('bob'))).refresh_token;
      while (performance.now() < end) {
        const response = await fetch(`${bulwark.url}/api/users-sessions/refresh`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refresh_token: refresh }),
        });
        if (response.status !== 200) {
          await response.arrayBuffer();
          return;
        }
        refresh = ((await response.json()) as { refresh_token: string }).refresh_token;
        done++;
      }
    }),
  );
  return done;
}

/**
 * On one server (SQLite, durable commits, pinned to CPU 0): GET /api/users/me alone (50
 * connections), then beside 8 payment writers and 8 refresh chains; payments/s with 16 clients
 * and with 1.
 */
export async function benchMixed(seconds: number, log: (line: string) => void = () => {}): Promise<MixedResult> {
  const bulwark = await startBulwark();
  try {
    const pid = bulwark.child.pid as number;
    const employees = await employeeIds(bulwark);
    const me = {
      url: `${bulwark.url}/api/users/me`,
      headers: { authorization: `Bearer ${bulwark.token}` },
      connections: 50,
    };
    await autocannon({ ...me, duration: 1 });
    const alone = await autocannon({ ...me, duration: seconds });
    const meAlone = { perSec: alone.requests.average, p99Ms: alone.latency.p99 };
    log(`  GET /api/users/me alone: ${Math.round(meAlone.perSec)}/s, p99 ${meAlone.p99Ms} ms`);

    const end = performance.now() + seconds * 1000;
    const [under, written, refreshed] = await Promise.all([
      autocannon({ ...me, duration: seconds }),
      payments(bulwark, employees, 8, end),
      refreshes(bulwark, 8, end),
    ]);
    const meUnderWrites = {
      perSec: under.requests.average,
      p99Ms: under.latency.p99,
      paymentsPerSec: written.done / seconds,
      refreshesPerSec: refreshed / seconds,
    };
    log(
      `  GET /api/users/me beside writes: ${Math.round(meUnderWrites.perSec)}/s, p99 ${meUnderWrites.p99Ms} ms (${Math.round(meUnderWrites.paymentsPerSec)} payments/s, ${Math.round(meUnderWrites.refreshesPerSec)} refreshes/s)`,
    );

    const { result, cpu, wall } = await cpuDuring(pid, () =>
      payments(bulwark, employees, 16, performance.now() + seconds * 1000),
    );
    const payments16 = {
      perSec: result.done / wall,
      cpuMicros: (cpu * 1e6) / Math.max(1, result.done),
      errors: result.errors,
    };
    log(
      `  POST /api/payments, 16 clients: ${Math.round(payments16.perSec)}/s (${Math.round(payments16.cpuMicros)} µs CPU each, ${payments16.errors} errors)`,
    );
    const one = await payments(bulwark, employees, 1, performance.now() + seconds * 1000);
    const payments1 = { perSec: one.done / seconds };
    log(`  POST /api/payments, 1 client: ${Math.round(payments1.perSec)}/s`);
    return { meAlone, meUnderWrites, payments16, payments1 };
  } finally {
    await bulwark.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchMixed(Number(process.argv[2] ?? 5), console.log);
}
