import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';

/** Where payments go: the server, an admin's (alice's) token and the active employees to pay. */
export interface PaymentTarget {
  url: string;
  token: string;
  employees: string[];
}

/** The demo company's active employees (the first page): whom the load pays. */
export async function activeEmployees(server: Pick<PaymentTarget, 'url' | 'token'>): Promise<string[]> {
  const answer = await fetch(`${server.url}/api/employees?limit=20`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  const { items } = (await answer.json()) as { items: Array<{ id: string; status: string }> };
  return items.filter((e) => e.status === 'active').map((e) => e.id);
}

/**
 * `clients` keep-alive connections posting `POST /api/payments` for `seconds`, one payment at a
 * time on each, every one with an Idempotency-Key of its own: what answered 201, and the rest.
 * autocannon, as for every other row of the tables, not 16 `fetch` loops: those cost this process
 * about 350 µs of CPU a payment (65 % of its core at 1,800/s), so the clients' own queue set the
 * rate, and the server spent more CPU a payment under them (484–520 against 447–448 µs, one
 * run; its cause, undici's extra headers or a less busy server's extra wake-ups, not isolated).
 */
export async function paymentLoad(
  target: PaymentTarget,
  clients: number,
  seconds: number,
): Promise<{ done: number; errors: number }> {
  const headers = { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' };
  let sent = 0;
  const result = await autocannon({
    url: target.url,
    connections: clients,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/payments',
        setupRequest: (request) => {
          sent++;
          return {
            ...request,
            headers: { ...headers, 'idempotency-key': randomUUID() },
            body: JSON.stringify({
              employee_id: target.employees[sent % target.employees.length],
              amount_cents: 1000 + sent,
              currency: 'EUR',
              period: '2027-01',
              memo: 'bench',
            }),
          };
        },
      },
    ],
  });
  const done = result.statusCodeStats?.['201']?.count ?? 0;
  return { done, errors: result.requests.total - done + result.errors };
}
