import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPerCore } from './per-core.js';
import { summariseProfile, type CpuProfile } from './profile-summary.js';

/**
 * `taskset -c 1 node --import tsx bench/profile-ops.ts <operation> [seconds]`: the per-core
 * benchmark of one token-service operation (introspect, client_credentials, refresh, login) with
 * the server under `node --cpu-prof`, then the profile of the measured load summarised.
 */
const only = process.argv[2] ?? 'refresh';
const seconds = Number(process.argv[3] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'bulwark-prof-'));
const spawned = performance.now();
let measured = 0;
await benchPerCore(seconds, console.log, {
  only,
  nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  onMeasure: () => {
    measured = performance.now();
  },
});
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (file === undefined) throw new Error('no profile written');
// BENCH_PROFILE_OUT=<file>: keep the raw profile (for DevTools, or a closer look at one call path).
if (process.env.BENCH_PROFILE_OUT !== undefined) copyFileSync(join(dir, file), process.env.BENCH_PROFILE_OUT);
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
rmSync(dir, { recursive: true, force: true });
// Only the measured load: start-up and the warm-up left out (less the spawn's own latency).
summariseProfile(profile, Math.max(0, measured - spawned - 200));
