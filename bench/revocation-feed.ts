/**
 * Revocation latency at a third-party service, without Redis: the token service and
 * examples/express-service as real processes, the service learning revocations only from the SET
 * feed (RFC 8936 long polling). N logins and logouts; for each, the time from the logout's answer
 * to the first 401 the service gives the same token (it is asked every 2 ms).
 *   npm run build && node --import tsx bench/revocation-feed.ts [N=100] [express-service|hono-service]
 */
import { performance } from 'node:perf_hooks';
import { login, logoutToFirst401, startExample, startTokenService, whoami } from '../test/examples/helpers.js';

const N = Number(process.argv[2] ?? 100);
const example = process.argv[3] ?? 'express-service';
const USERS = ['alice', 'bob', 'carol'];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

// Limits no benchmark should meet: it measures delivery, not the login throttle.
const service = await startTokenService({
  BULWARK_LOGIN_ATTEMPTS_PER_IP_PER_SECOND: '100000',
  BULWARK_REFRESH_PER_IP_PER_MINUTE: '100000',
  BULWARK_WRITES_PER_USER_PER_MINUTE: '100000',
});
const running = await startExample(example, service);
const samples: number[] = [];
const started = performance.now();
try {
  for (let i = 0; i < N; i++) {
    const token = await login(service, USERS[i % USERS.length] as string);
    const ok = await whoami(running, token);
    await ok.arrayBuffer();
    if (ok.status !== 200) throw new Error(`whoami answered ${ok.status} before the logout`);
    samples.push(await logoutToFirst401(service, running, token));
  }
} finally {
  await running.stop();
  await service.close();
}
const sorted = [...samples].sort((a, b) => a - b);
const ms = (v: number) => `${v.toFixed(1)} ms`;
console.log(
  `revocation at ${example} via the SET feed, no Redis: N=${N} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
console.log(
  `  p50 ${ms(percentile(sorted, 50))}  p90 ${ms(percentile(sorted, 90))}  p99 ${ms(percentile(sorted, 99))}  max ${ms(sorted.at(-1) as number)}  (target p99 < 1000 ms)`,
);
if (!(percentile(sorted, 99) < 1_000)) process.exitCode = 1;
