import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The issuer every benchmark token carries, so the hand-assembled stack can check it too. */
export const BENCH_ISSUER = 'http://bulwark.bench.invalid';
/** The core every measured server is pinned to (`taskset -c`); the load runs on the other. */
export const SERVER_CPU = '0';
/** BENCH_BULWARK_ROOT: benchmark another checkout's build (e.g. a snapshot while the tree is mid-change). */
const BIN =
  process.env.BENCH_BULWARK_ROOT === undefined
    ? fileURLToPath(new URL('../bin/bulwark', import.meta.url))
    : join(process.env.BENCH_BULWARK_ROOT, 'bin/bulwark');

export interface Running {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface BulwarkProcess extends Omit<Running, 'stop'> {
  /** Stops the server; its own temporary data dir is removed unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>;
  dataDir: string;
  dbFile: string;
  /** An admin's (alice's) access token, valid for an hour. */
  token: string;
  password(username: string): string;
}

/**
 * The real product: `bin/bulwark serve` (development mode, demo seed) on a fresh data dir, pinned
 * to CPU 0 with taskset, log level warn unless `env` says otherwise. `nodeArgs` (e.g.
 * `--cpu-prof`) go to node. Logs in as alice (admin) once it listens.
 */
export async function startBulwark(
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
  /** Another checkout's build (bench/ab-refresh.ts runs several side by side); default BIN's. */
  root?: string,
): Promise<BulwarkProcess> {
  const dataDir = env.BULWARK_DATA_DIR ?? join(mkdtempSync(join(tmpdir(), 'bulwark-bench-')), 'data');
  const ownDir = env.BULWARK_DATA_DIR === undefined;
  const bin = root === undefined ? BIN : join(root, 'bin/bulwark');
  const child = spawn('taskset', ['-c', SERVER_CPU, process.execPath, ...nodeArgs, bin, 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      BULWARK_DATA_DIR: dataDir,
      BULWARK_LOG_LEVEL: 'warn',
      BULWARK_ISSUER: BENCH_ISSUER,
      BULWARK_ACCESS_TOKEN_TTL: '3600',
      BULWARK_LOGIN_ATTEMPTS_PER_IP_PER_SECOND: '1000000',
      BULWARK_REFRESH_PER_IP_PER_MINUTE: '1000000',
      BULWARK_WRITES_PER_USER_PER_MINUTE: '1000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    return await loggedIn(child, dataDir, ownDir);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

async function loggedIn(child: ChildProcess, dataDir: string, ownDir: boolean): Promise<BulwarkProcess> {
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bulwark serve did not start in 30 s')), 30_000);
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`bulwark serve exited with ${code}: ${out}`)));
  });
  child.stdout?.resume();
  const password = (username: string) => {
    const line = readFileSync(join(dataDir, 'demo-credentials.txt'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${username} `));
    const value = line?.trim().split(/\s+/)[2];
    if (value === undefined) throw new Error(`no demo password for ${username}`);
    return value;
  };
  const token = (await login(url, 'alice', password('alice'))).access_token;
  return {
    url,
    child,
    dataDir,
    dbFile: join(dataDir, 'bulwark.db'),
    token,
    password,
    stop: async (options?: { keepData?: boolean }) => {
      await stopChild(child);
      if (ownDir && options?.keepData !== true) rmSync(join(dataDir, '..'), { recursive: true, force: true });
    },
  };
}

export async function login(
  url: string,
  username: string,
  password: string,
): Promise<{ access_token: string; refresh_token: string }> {
  const response = await fetch(`${url}/api/users-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 201) throw new Error(`login answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { access_token: string; refresh_token: string };
}

/** A bench/servers/*.mjs server, forked pinned to CPU 0; it reports its port over IPC. */
export async function startForked(file: string, env: Record<string, string>): Promise<Running> {
  const script = fileURLToPath(new URL(`./servers/${file}`, import.meta.url));
  const child = fork(script, [], {
    env: { ...process.env, BENCH_PORT: '0', ...env },
    execPath: 'taskset',
    execArgv: ['-c', SERVER_CPU, process.execPath],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start`)), 10_000);
    child.once('message', (message: { port?: number }) => {
      clearTimeout(timer);
      resolve(message.port ?? 0);
    });
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child, stop: () => stopChild(child) };
}

/** SIGTERM, and wait for the exit (a CPU profile is written on the way out). */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
