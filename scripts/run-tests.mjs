#!/usr/bin/env node
// Runs every test/**/*.test.ts and packages/*/test/**/*.test.ts (each package's own tests) with
// node's own test runner (through tsx), so the same command works on Node 20, 22 and 24.
// Extra arguments are test-file filters (substring match).
//
// Each file runs in a process of its own (as `node --test` would run it), in two passes:
// - most files run side by side (BULWARK_TEST_CONCURRENCY files at once, default 3: the suites
//   spend most of their time waiting on child processes, sockets and browsers, not on a core);
// - files whose first lines hold the marker `// test-runner: serial` (with the reason after it: they bound a latency or
//   compare timings, which a busy machine would distort) run afterwards, one at a time.
// A file's output is printed in one piece when it ends, so files never interleave.
//
// A watchdog bounds every file: one silent for BULWARK_TEST_SILENCE_SECONDS (default 300) is
// killed with everything it started (its process group) and counted as failed. On Node 20 the tsx
// loader thread has been seen to deadlock at start-up, once in hundreds of file starts, which cost
// a CI run five idle minutes of one slot: so a file that has not started its tests (the marker of
// scripts/test-started-reporter.mjs) within BULWARK_TEST_START_SECONDS (default 90) is killed
// too. A file killed before it started never ran a test: it is started once more, and the summary
// says so.
// The last line is the plain `tests: N passed, N failed, N skipped` over both passes; CI also
// fails on any skipped test.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { STARTED_MARKER } from './test-started-reporter.mjs';

const SERIAL_MARKER = '// test-runner: serial';
const STARTED_REPORTER = new URL('./test-started-reporter.mjs', import.meta.url).href;

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

function wholeNumber(name, fallback, min) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < min) {
    console.error(`run-tests: ${name} must be a whole number ≥ ${min}`);
    process.exit(2);
  }
  return value;
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
const concurrency = wholeNumber('BULWARK_TEST_CONCURRENCY', 3, 1);
const silenceMs = wholeNumber('BULWARK_TEST_SILENCE_SECONDS', 300, 1) * 1000;
const startMs = wholeNumber('BULWARK_TEST_START_SECONDS', 90, 1) * 1000;

const totals = { pass: 0, fail: 0, skipped: 0, cancelled: 0, todo: 0 };
const failedFiles = [];
const restarted = [];
const running = new Set();
/** Each file's wall time in seconds (its restart included), for the slowest-files line. */
const seconds = new Map();

/**
 * One file in a process of its own: resolves with its exit code, its output (the started marker
 * taken out), whether a watchdog killed it and whether its tests had started.
 */
function runFile(file) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=bulwark-source',
        '--import',
        'tsx',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        `--test-reporter=${STARTED_REPORTER}`,
        '--test-reporter-destination=stderr',
        file,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        // A process group of its own: the watchdog kills the servers and browsers it started too.
        detached: true,
        env: { ...process.env, BULWARK_LOG_LEVEL: process.env.BULWARK_LOG_LEVEL ?? 'silent' },
      },
    );
    running.add(child);
    const chunks = [];
    let killed = false;
    let testsStarted = false;
    let watchdog;
    const startWatchdog = setTimeout(() => {
      killed = true;
      killGroup(child);
    }, startMs);
    // The marker arrives on stderr in one write; the tail of the previous chunk covers a split.
    let stderrTail = '';
    child.stderr.on('data', (chunk) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4 * STARTED_MARKER.length);
      if (!testsStarted && stderrTail.includes(STARTED_MARKER)) {
        testsStarted = true;
        clearTimeout(startWatchdog);
      }
    });
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        killed = true;
        killGroup(child);
      }, silenceMs);
    };
    arm();
    const take = (chunk) => {
      chunks.push(chunk);
      arm();
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code) => {
      clearTimeout(watchdog);
      clearTimeout(startWatchdog);
      running.delete(child);
      const output = Buffer.concat(chunks).toString('utf8').replaceAll(`${STARTED_MARKER}\n`, '');
      resolve({ code: code ?? 1, output, killed, testsStarted });
    });
  });
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** The `ℹ pass N` … lines of node's reporter. */
function summaryOf(output) {
  const summary = {};
  for (const line of output.split('\n')) {
    const match = /^ℹ (\w+) (\d+)$/.exec(line);
    if (match && match[1] in totals) summary[match[1]] = Number(match[2]);
  }
  return summary;
}

async function runCounted(file) {
  const began = Date.now();
  let result = await runFile(file);
  if (result.killed && !result.testsStarted) {
    console.log(
      `\nrun-tests: ${file} had not started its tests after ${startMs / 1000} s (hung at start-up): starting it again`,
    );
    restarted.push(file);
    result = await runFile(file);
  }
  seconds.set(file, (Date.now() - began) / 1000);
  process.stdout.write(`\n▶▶ ${file}\n${result.output}`);
  const summary = summaryOf(result.output);
  for (const key of Object.keys(totals)) totals[key] += summary[key] ?? 0;
  const failedTests = (summary.fail ?? 0) + (summary.cancelled ?? 0);
  if (result.killed) {
    console.log(
      result.testsStarted
        ? `run-tests: ${file} was silent for ${silenceMs / 1000} s and was killed`
        : `run-tests: ${file} had not started its tests after ${startMs / 1000} s and was killed`,
    );
    if (failedTests === 0) totals.fail += 1;
  } else if (result.code !== 0 && failedTests === 0) {
    // It exited non-zero without reporting a failed test (a crash at load, say): still a failure.
    console.log(`run-tests: ${file} exited with ${result.code}`);
    totals.fail += 1;
  }
  if (result.killed || result.code !== 0 || failedTests > 0) failedFiles.push(file);
}

async function pool(list, width) {
  const queue = [...list];
  await Promise.all(
    Array.from({ length: Math.min(width, queue.length) }, async () => {
      for (let file = queue.shift(); file !== undefined; file = queue.shift()) await runCounted(file);
    }),
  );
}

for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    for (const child of running) killGroup(child);
    process.exit(130);
  });

const started = Date.now();
if (parallel.length > 0) await pool(parallel, concurrency);
if (serial.length > 0) {
  console.log(`\nrun-tests: ${serial.length} timing-sensitive file(s), one at a time`);
  await pool(serial, 1);
}
const failed = totals.fail + totals.cancelled;
console.log(
  `\nrun-tests: ${files.length} files (${serial.length} serial) in ${Math.round((Date.now() - started) / 1000)} s`,
);
// Where the run's time goes (keep CI's run short: split or speed up what heads this list).
const slowest = [...seconds].sort((a, b) => b[1] - a[1]).slice(0, 10);
console.log(`run-tests: slowest files: ${slowest.map(([file, s]) => `${file} ${Math.round(s)} s`).join(', ')}`);
if (restarted.length > 0) console.log(`run-tests: started again after hanging at start-up: ${restarted.join(', ')}`);
if (failedFiles.length > 0) console.log(`run-tests: files with failures: ${failedFiles.join(', ')}`);
console.log(`tests: ${totals.pass} passed, ${failed} failed, ${totals.skipped} skipped`);
process.exit(failedFiles.length > 0 || failed > 0 ? 1 : 0);
