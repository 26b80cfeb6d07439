/**
 * The token service's per-core table of docs/benchmarks.md alone, printed as the report's section:
 * `npm run build && taskset -c 1 node --import tsx bench/per-core-only.ts [seconds]`.
 * `npm run bench` runs the same measurements as part of the whole report.
 */
import { benchPerCore } from './per-core.js';
import { benchMixed } from './mixed.js';
import { perCoreSection } from './per-core-report.js';

const seconds = Number(process.argv[2] ?? (process.env.BENCH_QUICK === '1' ? 2 : 5));
const log = (line: string) => console.error(line);
const rows = await benchPerCore(seconds, log);
const mixed = await benchMixed(seconds, log);
console.log(perCoreSection(rows, mixed));
