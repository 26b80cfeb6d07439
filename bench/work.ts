import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { hash, verify } from '@node-rs/argon2';
import autocannon from 'autocannon';
import { createVerifier, LocalKeySource, MemoryRevocationSet, verificationKeyFromJwk } from '@bulwark/guard';
import { ARGON2_PARAMS } from '../src/auth/passwords/passwords.js';
import { measureSync } from './measure.js';
import { login, startBulwark } from './processes.js';
import { AUDIENCE, benchToken, ISSUER } from './tokens.js';

/** Password checks one core does with Bulwark's argon2id parameters: the ceiling of logins per core. */
export async function argon2PerCore(seconds: number): Promise<number> {
  const stored = await hash('correct horse battery staple', ARGON2_PARAMS);
  let n = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await verify(stored, 'correct horse battery staple');
    n++;
  }
  return n / seconds;
}

export interface AuthFlows {
  loginPerSec: number;
  loginNon2xx: number;
  refreshPerSec: number;
  refreshErrors: number;
}

/**
 * Logins (POST /api/users-sessions, the argon2 check each) and refresh rotations (each a new
 * refresh token, so every worker chains its own) against the real server on CPU 0.
 */
export async function benchAuthFlows(seconds: number): Promise<AuthFlows> {
  const bulwark = await startBulwark();
  try {
    const body = JSON.stringify({ username: 'alice', password: bulwark.password('alice') });
    const logins = await autocannon({
      url: `${bulwark.url}/api/users-sessions`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      connections: 8,
      duration: seconds,
    });
    const workers = 16;
    const tokens = await Promise.all(
      Array.from({ length: workers }, () => login(bulwark.url, 'alice', bulwark.password('alice'))),
    );
    let done = 0;
    let errors = 0;
    const end = Date.now() + seconds * 1000;
    await Promise.all(
      tokens.map(async (pair) => {
        let refresh = pair.refresh_token;
        while (Date.now() < end) {
          const response = await fetch(`${bulwark.url}/api/users-sessions/refresh`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ refresh_token: refresh }),
          });
          if (response.status !== 200) {
            errors++;
            await response.body?.cancel();
            return;
          }
          refresh = ((await response.json()) as { refresh_token: string }).refresh_token;
          done++;
        }
      }),
    );
    return {
      loginPerSec: logins.requests.average,
      loginNon2xx: logins.non2xx,
      refreshPerSec: done / seconds,
      refreshErrors: errors,
    };
  } finally {
    await bulwark.stop();
  }
}

export interface RevocationCost {
  entries: number;
  heapMiB: number;
  cachedPerSec: number;
  uncachedPerSec: number;
}

/** The guard's in-memory revocation set at `entries` revoked token ids: memory, and verify rates. */
export function revocationCost(entries: number, ms: number): RevocationCost {
  const { key, token } = benchToken('ES256');
  const keys = new LocalKeySource([verificationKeyFromJwk({ ...key.publicJwk }, 'ES256')]);
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as () => void;
  collect();
  const before = process.memoryUsage().heapUsed;
  const revocations = new MemoryRevocationSet();
  const now = Date.now();
  for (let i = 0; i < entries; i++)
    revocations.add({ kind: 'jti', value: randomUUID(), expiresAt: now + 3_600_000, createdAt: now });
  collect();
  const heapMiB = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  const options = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256' as const], keys, revocations };
  const cached = createVerifier({ ...options, cache: { max: 10_000 } });
  const uncached = createVerifier(options);
  return {
    entries,
    heapMiB,
    cachedPerSec: measureSync(() => cached.verify(token), ms).opsPerSec,
    uncachedPerSec: measureSync(() => uncached.verify(token), ms).opsPerSec,
  };
}

export interface Soak {
  seconds: number;
  requests: number;
  by: Record<string, number>;
  status5xx: number;
  rssMiB: Array<[number, number]>;
}

/**
 * A mixed load on one server for `seconds`: reads (me, employees, payments), payment writes
 * (each with its own Idempotency-Key), refresh rotations and logins; resident memory sampled
 * every 10 s from /proc. Every 5xx is counted.
 */
export async function soak(seconds: number, log: (line: string) => void): Promise<Soak> {
  const bulwark = await startBulwark();
  const result: Soak = { seconds, requests: 0, by: {}, status5xx: 0, rssMiB: [] };
  const started = Date.now();
  const end = started + seconds * 1000;
  const rss = () =>
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${bulwark.child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  const sampler = setInterval(() => {
    result.rssMiB.push([Math.round((Date.now() - started) / 1000), rss()]);
    log(
      `  soak ${Math.round((Date.now() - started) / 1000)} s: rss ${rss().toFixed(1)} MiB, ${result.requests} requests, ${result.status5xx} 5xx`,
    );
  }, 10_000);
  try {
    const headers = { authorization: `Bearer ${bulwark.token}`, 'content-type': 'application/json' };
    const employees = (
      (await (await fetch(`${bulwark.url}/api/employees?limit=5`, { headers })).json()) as {
        items: Array<{ id: string; status: string }>;
      }
    ).items.filter((e) => e.status === 'active');
    const tally = (kind: string, status: number) => {
      result.requests++;
      result.by[kind] = (result.by[kind] ?? 0) + 1;
      if (status >= 500) result.status5xx++;
    };
    const count = async (kind: string, response: Response) => {
      tally(kind, response.status);
      await response.arrayBuffer();
    };
    const reader = async () => {
      for (let i = 0; Date.now() < end; i++) {
        const path =
          ['/api/users/me', `/api/employees/${employees[i % employees.length]?.id ?? ''}`, '/api/payments?limit=20'][
            i % 3
          ] ?? '';
        await count('read', await fetch(`${bulwark.url}${path}`, { headers }));
      }
    };
    const writer = async () => {
      for (let i = 0; Date.now() < end; i++) {
        const body = JSON.stringify({
          employee_id: employees[i % employees.length]?.id,
          amount_cents: 1000 + i,
          currency: 'EUR',
          period: '2027-01',
          memo: 'soak',
        });
        await count(
          'payment',
          await fetch(`${bulwark.url}/api/payments`, {
            method: 'POST',
            headers: { ...headers, 'idempotency-key': randomUUID() },
            body,
          }),
        );
      }
    };
    const refresher = async () => {
      while (Date.now() < end) {
        const pair = await login(bulwark.url, 'bob', bulwark.password('bob'));
        tally('login', 201);
        let refresh = pair.refresh_token;
        for (let i = 0; i < 20 && Date.now() < end; i++) {
          const response = await fetch(`${bulwark.url}/api/users-sessions/refresh`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ refresh_token: refresh }),
          });
          tally('refresh', response.status);
          const answer = (await response.json()) as { refresh_token?: string };
          if (response.status !== 200 || answer.refresh_token === undefined) break;
          refresh = answer.refresh_token;
        }
      }
    };
    await Promise.all([...Array.from({ length: 12 }, reader), writer(), writer(), refresher(), refresher()]);
    return result;
  } finally {
    clearInterval(sampler);
    await bulwark.stop();
  }
}
