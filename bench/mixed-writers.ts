import { randomUUID } from 'node:crypto';
import { KeepAliveConnection } from './keep-alive-client.js';
import { login } from './processes.js';
import { refreshChain } from './refresh-chain.js';

/** What the writers are told: the server, alice's token (payments), bob's password (refreshes). */
export interface WritersJob {
  url: string;
  token: string;
  bobPassword: string;
  employees: string[];
  /** Payment loops and refresh chains, each. */
  clients: number;
  /**
   * Writes per second in all (half payments, half refreshes), each loop paced to its share; absent,
   * every loop writes as fast as the server answers.
   */
  perSecond?: number;
}

export interface WritersResult {
  payments: number;
  refreshes: number;
  errors: number;
}

/**
 * Paces one loop to one call every `intervalMs` from now (a late call goes at once, and the next
 * keep their schedule); with no interval, it never waits.
 */
function pacer(intervalMs: number | undefined): () => Promise<void> {
  if (intervalMs === undefined) return () => Promise.resolve();
  let next = performance.now() + Math.random() * intervalMs;
  return async () => {
    const wait = next - performance.now();
    next += intervalMs;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };
}

/**
 * `clients` loops posting payments (each its own Idempotency-Key) until `end`, each at most one
 * every `intervalMs`; answered 201s.
 */
export async function payments(
  job: Pick<WritersJob, 'url' | 'token' | 'employees'>,
  clients: number,
  end: number,
  intervalMs?: number,
): Promise<{ done: number; errors: number }> {
  let done = 0;
  let errors = 0;
  const headers = { authorization: `Bearer ${job.token}`, 'content-type': 'application/json' };
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const pace = pacer(intervalMs);
      const connection = await KeepAliveConnection.open(job.url);
      try {
        for (let i = 0; performance.now() < end; i++) {
          await pace();
          if (performance.now() >= end) break;
          const body = JSON.stringify({
            employee_id: job.employees[(c + i) % job.employees.length],
            amount_cents: 1000 + i,
            currency: 'EUR',
            period: '2027-01',
            memo: 'bench',
          });
          const answer = await connection.request(
            'POST',
            '/api/payments',
            { ...headers, 'idempotency-key': randomUUID() },
            body,
          );
          if (answer.status === 201) done++;
          else errors++;
        }
      } finally {
        connection.close();
      }
    }),
  );
  return { done, errors };
}

/**
 * `chains` refresh chains (bob's sessions, each rotating its own token) until `end`, each at most
 * one refresh every `intervalMs`.
 */
async function refreshes(
  job: WritersJob,
  chains: string[],
  end: number,
  intervalMs?: number,
): Promise<{ done: number; errors: number }> {
  let done = 0;
  let errors = 0;
  await Promise.all(
    chains.map(async (first, i) => {
      const result = await refreshChain(job.url, first, end, pacer(intervalMs));
      chains[i] = result.last;
      done += result.done;
      if (result.refused !== undefined) errors++;
    }),
  );
  return { done, errors };
}

/**
 * Run as a child of bench/mixed.ts (niced, so that its own CPU and GC pauses do not delay the
 * reads' load generator and show up as the server's latency): logs in, says `ready`, then on
 * `{ seconds }` writes for that long and answers the counts.
 */
if (import.meta.url === `file://${process.argv[1]}`) {
  const job = JSON.parse(process.argv[2] as string) as WritersJob;
  const chains = await Promise.all(
    Array.from({ length: job.clients }, async () => (await login(job.url, 'bob', job.bobPassword)).refresh_token),
  );
  process.send?.('ready');
  // Each `{ seconds }` is one run (the first warms the server's write paths); the chains go on from run to run.
  process.on('message', (message: { seconds: number }) => {
    const end = performance.now() + message.seconds * 1000;
    const intervalMs = job.perSecond === undefined ? undefined : (2 * job.clients * 1000) / job.perSecond;
    void Promise.all([payments(job, job.clients, end, intervalMs), refreshes(job, chains, end, intervalMs)]).then(
      ([p, r]) => {
        const result: WritersResult = { payments: p.done, refreshes: r.done, errors: p.errors + r.errors };
        process.send?.(result);
      },
    );
  });
}
