import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summariseProfile, type CpuProfile } from './profile-summary.js';
import { load } from './routes.js';
import { startBulwark } from './processes.js';

/**
 * `node --import tsx bench/profile.ts [path] [seconds]` (under `taskset -c 1`): Bulwark's real
 * server with `node --cpu-prof`, loaded on one route (default /api/users/me) with the same 50
 * connections as the benchmark, then the profile summarised: self time by function and by file
 * (package), the view that finds per-request work that should not be there.
 */

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
// BENCH_PROFILE_OUT=<file>: keep the raw profile (for DevTools, or a closer look at one call path).
if (process.env.BENCH_PROFILE_OUT !== undefined) copyFileSync(join(dir, file), process.env.BENCH_PROFILE_OUT);
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
rmSync(dir, { recursive: true, force: true });

summariseProfile(profile);
