import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import pg from 'pg';
import { freePort } from './process.js';

/**
 * A Postgres server of the test's own (initdb into a temp dir, its own port), for fault tests that stop or kill the database: never the shared one. Run as the
 * `postgres` user when the test runs as root (Postgres refuses root).
 */
export interface PrivatePostgres {
  url: string;
  /** SIGSTOP to the postmaster and every backend: the database hangs (connections are still accepted by the kernel). */
  stop(): void;
  /** SIGCONT: it answers again. */
  resume(): void;
  close(): Promise<void>;
}

/** Whether initdb and postgres are on PATH (the fault suites skip with the reason otherwise). */
export const SKIP_PRIVATE_POSTGRES: string | false =
  spawnSync('initdb', ['--version']).status === 0
    ? false
    : 'initdb/postgres not on PATH (private-Postgres fault tests)';

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-pg-'));
  const data = join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  const ids = asRoot ? postgresIds() : undefined;
  if (ids !== undefined) chownSync(dir, ids.uid, ids.gid);
  const init = spawnSync('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'], {
    ...ids,
    encoding: 'utf8',
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const child: ChildProcess = spawn(
    'postgres',
    [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=40',
    ],
    {
      ...ids,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitForConnection(url, () => log);
  const postmaster = child.pid as number;
  // Every backend calls setsid(): not one process group, so the postmaster first (it forks no
  // new backend while stopped), then each of its children.
  const signal = (name: NodeJS.Signals) => {
    process.kill(postmaster, name);
    const children = spawnSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((line) => line !== '');
    for (const pid of children) {
      try {
        process.kill(Number(pid), name);
      } catch {
        // A backend that exited since pgrep listed it.
      }
    }
  };
  return {
    url,
    stop: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        signal('SIGCONT');
        // Immediate shutdown: the test's data is thrown away anyway.
        process.kill(postmaster, 'SIGQUIT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || uid <= 0)
    throw new Error('running as root needs a "postgres" user to run the private Postgres as');
  return { uid, gid };
}

async function waitForConnection(url: string, log: () => string): Promise<void> {
  const until = Date.now() + 20_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > until) throw new Error(`private Postgres did not start:\n${log()}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }
}
