import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PROBLEMS as PROBLEM_CODES } from '@bulwark/contract/registry';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every (status, code) the source can answer with: error classes and literal problem(...) calls. */
function producedCodes(): Array<{ where: string; status: number; code: string }> {
  const found: Array<{ where: string; status: number; code: string }> = [];
  for (const path of [...sources('src'), ...sources('packages/guard/src')]) {
    const text = readFileSync(path, 'utf8');
    for (const m of text.matchAll(/readonly code = '([a-z_]+)';\s*readonly status = (\d{3});/g)) found.push({ where: path, code: m[1] as string, status: Number(m[2]) });
    for (const m of text.matchAll(/\b(?:problem|guardProblem)\((\d{3}), '([a-z_]+)'/g)) found.push({ where: path, code: m[2] as string, status: Number(m[1]) });
  }
  return found;
}

describe('problem codes', () => {
  it('every code the source can answer with is documented in PROBLEM_CODES with its status', () => {
    const produced = producedCodes();
    assert.ok(produced.length >= 25, `the scan finds the error classes and problem calls (found ${produced.length})`);
    for (const { where, status, code } of produced) {
      const documented = (PROBLEM_CODES as Record<string, { status: number } | undefined>)[code];
      assert.ok(documented, `${where}: code ${code} is not in src/http/problem-codes.ts`);
      assert.equal(documented.status, status, `${where}: ${code} answers ${status}, documented ${documented.status}`);
    }
  });

  it('documents no code the source never produces', () => {
    const produced = new Set(producedCodes().map((p) => p.code));
    assert.deepEqual(Object.keys(PROBLEM_CODES).filter((code) => !produced.has(code)), []);
  });
});
