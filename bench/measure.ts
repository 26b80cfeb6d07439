/**
 * Batched throughput measurement: a tight loop of N calls per batch (N calibrated so a batch
 * takes ~40 ms), batches repeated for `ms`, and the median batch rate reported. Timing each call
 * on its own would cost more than a cached verification does.
 */
export interface Rate {
  opsPerSec: number;
  /** Relative spread of batch rates (p75 - p25) / median, to show how steady the figure is. */
  spread: number;
}

const BATCH_TARGET_MS = 40;

export function measureSync(fn: () => unknown, ms = 1500): Rate {
  const n = calibrate((count) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) fn();
    return Number(process.hrtime.bigint() - start) / 1e6;
  });
  const rates: number[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end || rates.length < 5) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    rates.push(n / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return summarise(rates);
}

export async function measureAsync(fn: () => Promise<unknown>, ms = 1500): Promise<Rate> {
  let n = 1;
  for (;;) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn();
    if (Number(process.hrtime.bigint() - start) / 1e6 >= BATCH_TARGET_MS / 4 || n > 1e7) break;
    n *= 4;
  }
  const rates: number[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end || rates.length < 5) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn();
    rates.push(n / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return summarise(rates);
}

function calibrate(run: (count: number) => number): number {
  let n = 1;
  for (let i = 0; i < 3; i++) run(n); // warm up the JIT on small batches
  for (;;) {
    const elapsed = run(n);
    if (elapsed >= BATCH_TARGET_MS / 4 || n > 1e8)
      return Math.max(1, Math.round((n * BATCH_TARGET_MS) / Math.max(elapsed, 0.001)));
    n *= 4;
  }
}

function summarise(rates: number[]): Rate {
  const sorted = [...rates].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const median = at(0.5);
  return { opsPerSec: median, spread: median === 0 ? 0 : (at(0.75) - at(0.25)) / median };
}
