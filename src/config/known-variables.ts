import { loadConfig } from './config.js';
import type { Env } from './parsers.js';

/** Variables of this prefix are the test suite's own, never the server's. */
const IGNORED_PREFIX = 'BULWARK_TEST_';

let known: ReadonlySet<string> | undefined;

/**
 * Every BULWARK_* variable the configuration reads: recorded by loading a configuration from an
 * empty environment that notes each name asked for, so a setting added to loadConfig is known
 * without a second list to keep (a test holds every BULWARK_ name in the source to it).
 */
export function knownVariables(): ReadonlySet<string> {
  if (known !== undefined) return known;
  const names = new Set<string>();
  const recorder = new Proxy(
    {},
    {
      get: (_target, name) => {
        if (typeof name === 'string' && name.startsWith('BULWARK_')) names.add(name);
        return undefined;
      },
    },
  ) as Env;
  loadConfig(recorder);
  known = names;
  return names;
}

/** A BULWARK_* variable set in the environment that no setting reads, and the known name nearest to it. */
export interface UnknownVariable {
  variable: string;
  closest: string;
}

/** The BULWARK_* variables of `env` that nothing reads (a typo is otherwise silently ignored), in name order. */
export function unknownVariables(env: Env): UnknownVariable[] {
  const names = knownVariables();
  return Object.keys(env)
    .filter((name) => name.startsWith('BULWARK_') && !name.startsWith(IGNORED_PREFIX) && !names.has(name))
    .sort()
    .map((variable) => ({ variable, closest: closestName(variable, names) }));
}

/** The line a warning says, naming both variables (never the value). */
export function unknownVariableMessage(unknown: UnknownVariable): string {
  return `${unknown.variable} is not a Bulwark setting and is ignored: did you mean ${unknown.closest}?`;
}

function closestName(name: string, candidates: Iterable<string>): string {
  let best = '';
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance || (distance === bestDistance && candidate < best))
      [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Damerau-Levenshtein distance (optimal string alignment): insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = rows[i] as number[];
      const above = rows[i - 1] as number[];
      let value = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = value;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}
