import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { load } from './routes.js';
import { startBulwark } from './processes.js';

/**
 * `node --import tsx bench/profile.ts [path] [seconds]` (under `taskset -c 1`): Bulwark's real
 * server with `node --cpu-prof`, loaded on one route (default /api/users/me) with the same 50
 * connections as the benchmark, then the profile summarised: self time by function and by file
 * (package), the view that finds per-request work that should not be there.
 */
interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }

const path = process.argv[2] ?? '/api/users/me';
const seconds = Number(process.argv[3] ?? 10);
const dir = mkdtempSync(join(tmpdir(), 'bulwark-prof-'));
const bulwark = await startBulwark({}, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
try {
  const headers: Record<string, string> = path === '/healthz' ? {} : { authorization: `Bearer ${bulwark.token}` };
  const answer = await fetch(`${bulwark.url}${path}`, { headers });
  if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`);
  await load(`${bulwark.url}${path}`, headers, 2);
  const result = await load(`${bulwark.url}${path}`, headers, seconds);
  console.log(`${path}: ${Math.round(result.requestsPerSec)} req/s (profiler on), p99 ${result.p99Ms} ms`);
} finally {
  await bulwark.stop();
}
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (file === undefined) throw new Error('no profile written');
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: ProfileNode[] };
rmSync(dir, { recursive: true, force: true });

const total = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
const root = process.cwd();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url === '' ? '(native)' : relative(root, url.replace('file://', ''));
  const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + (node.hitCount ?? 0));
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where)?.[1] ?? where;
  byFile.set(pkg, (byFile.get(pkg) ?? 0) + (node.hitCount ?? 0));
}
const top = (map: Map<string, number>, n: number) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)
  .map(([k, v]) => `  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
console.log(`Self time by function (top 40 of ${total} samples):\n${top(byFunction, 40)}`);
console.log(`Self time by package or file (top 30):\n${top(byFile, 30)}`);
