import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/**
 * Seconds each measured load (every per-core row, every beside-writes mix) runs before it is
 * measured: after 1 s the optimising compiler was still at work on the hot paths (a tenth of a
 * refresh's CPU in `perf`), which is start-up, not the cost of an operation on a server that has
 * been up for a while.
 */
export const WARM_UP_SECONDS = 3;

/**
 * A process's own CPU time (user + system) in seconds, from /proc/<pid>/stat: robust to other
 * work on the machine, unlike wall-clock rates, so per-operation costs are judged on it.
 */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command (which may hold spaces), counted from field 3: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds `pid` spends while `work` runs, and the wall seconds it took. */
export async function cpuDuring<T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ result: T; cpu: number; wall: number }> {
  const cpu0 = cpuSeconds(pid);
  const wall0 = performance.now();
  const result = await work();
  return { result, cpu: cpuSeconds(pid) - cpu0, wall: (performance.now() - wall0) / 1000 };
}

/**
 * The CPU seconds of every process whose command is `comm` (e.g. `postgres`: the postmaster and
 * every backend), summed from /proc, with what their children that have ended used (cutime and
 * cstime): a backend that ends between two readings moves its time into the postmaster's, so the
 * sum never falls (it did: a login window read -866 µs of Postgres CPU a login when the pool
 * closed idle connections during it). A process that ends between the listing and the read is
 * skipped.
 */
export function cpuSecondsOfCommand(comm: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== comm) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
    } catch {
      // gone between the listing and the read
    }
  }
  return total;
}
