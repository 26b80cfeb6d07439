import { cpuSeconds } from './cpu.js';
import { login, startBulwark, type BulwarkProcess } from './processes.js';
import { refreshChain } from './refresh-chain.js';

/**
 * Refresh rotations of two or more builds side by side, in one run:
 * `AB_ROOTS=/tmp/before,/work/main taskset -c 1 node --import tsx bench/ab-refresh.ts [rounds] [seconds]`.
 * Each root's `bulwark serve` runs at once, all pinned to CPU 0 (only the one under load is busy);
 * their windows of 16 refresh chains alternate (ABBA), so each build is measured beside the others
 * at the same minute of this VM, whose speed moves by tens of percent within the hour. Prints each
 * window's server CPU µs per refresh and the median.
 */
const roots = (process.env.AB_ROOTS ?? '').split(',').filter((root) => root !== '');
if (roots.length < 2) throw new Error('AB_ROOTS: two or more checkouts, comma-separated, each built');
const rounds = Number(process.argv[2] ?? 6);
const seconds = Number(process.argv[3] ?? 3);
const CHAINS = 16;

interface Side {
  root: string;
  bulwark: BulwarkProcess;
  tokens: string[];
}

async function side(root: string): Promise<Side> {
  const bulwark = await startBulwark({}, [], root);
  const tokens = await Promise.all(
    Array.from(
      { length: CHAINS },
      async () => (await login(bulwark.url, 'alice', bulwark.password('alice'))).refresh_token,
    ),
  );
  return { root, bulwark, tokens };
}

/** One window of refreshes on `s`: its server's CPU µs per rotation. */
async function window(s: Side, windowSeconds: number): Promise<number> {
  const pid = s.bulwark.child.pid as number;
  const end = performance.now() + windowSeconds * 1000;
  const cpu0 = cpuSeconds(pid);
  const counts = await Promise.all(
    s.tokens.map(async (first, i) => {
      const result = await refreshChain(s.bulwark.url, first, end);
      if (result.refused !== undefined) throw new Error(`${s.root}: refresh answered ${result.refused}`);
      s.tokens[i] = result.last;
      return result.done;
    }),
  );
  const done = counts.reduce((a, b) => a + b, 0);
  return ((cpuSeconds(pid) - cpu0) * 1e6) / done;
}

const sides: Side[] = [];
try {
  for (const root of roots) sides.push(await side(root));
  for (const s of sides) await window(s, 4); // warm-up: the optimising compiler's work out of the figures
  const results = sides.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < sides.length; j++) {
      const k = round % 2 === 0 ? j : sides.length - 1 - j;
      results[k]?.push(await window(sides[k] as Side, seconds));
    }
  }
  sides.forEach((s, j) => {
    const values = results[j] ?? [];
    const median = [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
    console.log(`${s.root}: ${values.map((v) => v.toFixed(0)).join(', ')} µs a refresh; median ${median.toFixed(0)}`);
  });
} finally {
  for (const s of sides) await s.bulwark.stop();
}
