#!/usr/bin/env node
// Runs every test/**/*.test.ts and packages/*/test/**/*.test.ts (each package's own tests) in one
// run of node's own test runner (through tsx), so the same command works on Node 20, 22 and 24 and
// CI reads one summary. Extra arguments are test-file filters (substring match).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const packageTests = readdirSync('packages')
  .map((name) => join('packages', name, 'test'))
  .filter((dir) => existsSync(dir) && statSync(dir).isDirectory());
const files = [...collect('test'), ...packageTests.flatMap((dir) => collect(dir))]
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--conditions=bulwark-source', '--import', 'tsx', '--test', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, BULWARK_LOG_LEVEL: process.env.BULWARK_LOG_LEVEL ?? 'silent' } },
);
process.exit(result.status ?? 1);
