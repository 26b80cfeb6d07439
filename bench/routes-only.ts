/**
 * The routes table of docs/benchmarks.md alone (Bulwark's own routes beside the hand-assembled
 * stack), printed as the report's section: `npm run build && taskset -c 1 node --import tsx bench/routes-only.ts`.
 * `npm run bench` runs the same measurement as part of the whole report.
 */
import { routesSection } from './report.js';
import { benchRoutes } from './routes.js';

const [seconds, rounds] = process.env.BENCH_QUICK === '1' ? [2, 2] : [5, 4];
const rows = await benchRoutes(seconds, rounds, (line) => console.error(line));
console.log(routesSection(rows, seconds, rounds));
