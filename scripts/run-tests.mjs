#!/usr/bin/env node
// Runs every test/**/*.test.ts and packages/*/test/**/*.test.ts (each package's own tests) with
// node's own test runner (through tsx), so the same command works on Node 20, 22 and 24.
// Extra arguments are test-file filters (substring match).
//
// Two passes, one summary:
// - most files run side by side (BULWARK_TEST_CONCURRENCY files at once, default 3: the suites
//   spend most of their time waiting on child processes, sockets and browsers, not on a core);
// - files whose first lines hold the marker `// test-runner: serial` (with the reason after it: they bound a latency or
//   compare timings, which a busy machine would distort) run afterwards, one at a time.
// The last line is the plain `tests: N passed, N failed, N skipped` over both passes; CI also
// fails on any skipped test.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

const SERIAL_MARKER = '// test-runner: serial';

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

const isSerial = (file) =>
  readFileSync(file, 'utf8')
    .split('\n', 20)
    .some((line) => line.trim().startsWith(SERIAL_MARKER));
const serial = files.filter(isSerial);
const parallel = files.filter((f) => !serial.includes(f));
const concurrency = Number(process.env.BULWARK_TEST_CONCURRENCY ?? 3);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error('run-tests: BULWARK_TEST_CONCURRENCY must be a whole number ≥ 1');
  process.exit(2);
}

const totals = { pass: 0, fail: 0, skipped: 0, cancelled: 0, todo: 0 };

/** One run of node's test runner, its output passed through and its summary added to the totals. */
function run(testFiles, filesAtOnce) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=bulwark-source',
        '--import',
        'tsx',
        '--test',
        `--test-concurrency=${filesAtOnce}`,
        '--test-reporter=spec',
        ...testFiles,
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, BULWARK_LOG_LEVEL: process.env.BULWARK_LOG_LEVEL ?? 'silent' },
      },
    );
    // The summary lines (`ℹ pass N` …) come before the recap of failing tests, which can be long:
    // read them from every line as it passes, not from the end of the output.
    const summary = {};
    let partial = '';
    const read = (line) => {
      const match = /^ℹ (\w+) (\d+)$/.exec(line);
      if (match && match[1] in totals) summary[match[1]] = Number(match[2]);
    };
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(read);
    });
    child.on('close', (code) => {
      read(partial);
      for (const key of Object.keys(totals)) totals[key] += summary[key] ?? 0;
      resolve(code ?? 1);
    });
  });
}

const started = Date.now();
const statuses = [];
if (parallel.length > 0) statuses.push(await run(parallel, concurrency));
if (serial.length > 0) {
  console.log(`\nrun-tests: ${serial.length} timing-sensitive file(s), one at a time`);
  statuses.push(await run(serial, 1));
}
const failed = totals.fail + totals.cancelled;
console.log(
  `\nrun-tests: ${files.length} files (${serial.length} serial) in ${Math.round((Date.now() - started) / 1000)} s`,
);
console.log(`tests: ${totals.pass} passed, ${failed} failed, ${totals.skipped} skipped`);
process.exit(statuses.some((code) => code !== 0) || failed > 0 ? 1 : 0);
