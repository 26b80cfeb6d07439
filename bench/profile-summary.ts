import { relative } from 'node:path';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/**
 * Prints a --cpu-prof profile's self time by function and by file (package). `skipMs`: samples of
 * the first milliseconds (start-up, schema compilation, warm-up) are left out.
 */
export function summariseProfile(profile: CpuProfile, skipMs = 0): void {
  const nodes = skipMs > 0 ? countFrom(profile, skipMs) : profile.nodes;
  const total = nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const root = process.cwd();
  for (const node of nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url === '' ? '(native)' : relative(root, url.replace('file://', ''));
    const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + (node.hitCount ?? 0));
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where)?.[1] ?? where;
    byFile.set(pkg, (byFile.get(pkg) ?? 0) + (node.hitCount ?? 0));
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  console.log(`Self time by function (top 40 of ${total} samples):\n${top(byFunction, 40)}`);
  console.log(`Self time by package or file (top 30):\n${top(byFile, 30)}`);
}

/** The nodes with hit counts recounted from the samples taken after `skipMs`. */
function countFrom(profile: CpuProfile, skipMs: number): ProfileNode[] {
  const { samples = [], timeDeltas = [] } = profile;
  const hits = new Map<number, number>();
  let at = 0;
  for (let i = 0; i < samples.length; i++) {
    at += (timeDeltas[i] ?? 0) / 1000;
    if (at < skipMs) continue;
    const id = samples[i] as number;
    hits.set(id, (hits.get(id) ?? 0) + 1);
  }
  return profile.nodes.map((n) => ({ ...n, hitCount: hits.get(n.id) ?? 0 }));
}
