import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { benchToken, AUDIENCE, ISSUER } from './tokens.js';

export interface HttpRow {
  server: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

const SERVERS: Array<[string, string, Record<string, string>?]> = [
  ['fastify, no auth (ceiling)', 'fastify-bare.mjs'],
  ['bulwark guard on fastify', 'bulwark.mjs'],
  ['bulwark guard on fastify, no cache', 'bulwark.mjs', { BENCH_CACHE: '0' }],
  ['fastify + @fastify/jwt', 'fastify-jwt.mjs'],
  ['express + jsonwebtoken', 'express-jsonwebtoken.mjs'],
];

/**
 * Each server runs alone, pinned to CPU 0 (`taskset`), while autocannon runs in this process,
 * which `npm run bench` pins to CPU 1. One ES256 token (Bulwark's default alg) for every request.
 */
export async function benchHttp(seconds: number, log: (line: string) => void): Promise<HttpRow[]> {
  const { key, token } = benchToken('ES256');
  const env = {
    ...process.env,
    BENCH_PORT: '0',
    BENCH_ISSUER: ISSUER,
    BENCH_AUDIENCE: AUDIENCE,
    BENCH_JWK: JSON.stringify({ ...key.publicJwk }),
    BENCH_PUBLIC_PEM: String(key.publicKey?.export({ format: 'pem', type: 'spki' })),
  };
  const rows: HttpRow[] = [];
  for (const [name, file, extra] of SERVERS) {
    const { child, port } = await start(file, { ...env, ...extra });
    try {
      const url = `http://127.0.0.1:${port}/api/protected`;
      const headers = { authorization: `Bearer ${token}` };
      const probe = await fetch(url, { headers });
      if (probe.status !== 200) throw new Error(`${name} answered ${probe.status} to the benchmark token`);
      await autocannon({ url, headers, connections: 50, duration: 2 }); // warm-up
      const result = await autocannon({ url, headers, connections: 50, pipelining: 1, duration: seconds });
      const row = {
        server: name,
        requestsPerSec: result.requests.average,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        non2xx: result.non2xx,
      };
      rows.push(row);
      log(
        `  ${name.padEnd(38)} ${Math.round(row.requestsPerSec).toLocaleString('en-US').padStart(8)} req/s  p50 ${row.p50Ms} ms  p99 ${row.p99Ms} ms`,
      );
    } finally {
      child.kill('SIGTERM');
    }
  }
  return rows;
}

function start(file: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number }> {
  const script = fileURLToPath(new URL(`./servers/${file}`, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = fork(script, [], {
      env,
      execPath: 'taskset',
      execArgv: ['-c', '0', process.execPath],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const timer = setTimeout(() => reject(new Error(`${file} did not start`)), 10_000);
    child.once('message', (message: { port?: number }) => {
      clearTimeout(timer);
      resolve({ child, port: message.port ?? 0 });
    });
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}
