/**
 * What counting verification outcomes costs the guard's hot path: the verifier alone vs the same
 * verifier wrapped by Metrics.countVerifications, cached and uncached (ES256). BENCH_QUICK=1 for a
 * short run. `taskset -c 1 node --conditions=bulwark-source --import tsx bench/metrics-overhead.ts`
 */
import { createVerifier, LocalKeySource } from '@bulwark/guard';
import { Metrics } from '../src/metrics/index.js';
import { measureSync } from './measure.js';
import { AUDIENCE, benchToken, ISSUER } from './tokens.js';

const ms = process.env.BENCH_QUICK === '1' ? 500 : 2000;
const { key, token } = benchToken('ES256');
const keys = new LocalKeySource([{ kid: key.kid, alg: 'ES256', key: key.publicKey ?? key.privateKey }]);
const metrics = new Metrics();
for (const cached of [true, false]) {
  const verifier = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    keys,
    ...(cached ? { cache: { max: 10_000 } } : {}),
  });
  const counted = metrics.countVerifications(verifier);
  // Alternate the two, three rounds each, so drift on a shared machine hits both alike.
  const plain: number[] = [];
  const wrapped: number[] = [];
  for (let round = 0; round < 3; round++) {
    plain.push(measureSync(() => verifier.verify(token), ms).opsPerSec);
    wrapped.push(measureSync(() => counted.verify(token), ms).opsPerSec);
  }
  const best = (rates: number[]) => Math.max(...rates);
  const [a, b] = [best(plain), best(wrapped)];
  console.log(
    `ES256 ${cached ? 'cached  ' : 'uncached'}  guard ${Math.round(a).toLocaleString('en-US').padStart(11)} ops/s   counted ${Math.round(b).toLocaleString('en-US').padStart(11)} ops/s   ${(((a - b) / a) * 100).toFixed(1)} % slower   (${(1e9 / b - 1e9 / a).toFixed(0)} ns/call)`,
  );
}
console.log(
  (await metrics.expose())
    .split('\n')
    .find((line) => line.startsWith('bulwark_token_verifications_total{outcome="ok"}')),
);
