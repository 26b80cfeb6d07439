import { createRequire } from 'node:module';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { sqliteEngine, type SqliteEngine } from './sqlite-driver.js';

const require = createRequire(import.meta.url);

/**
 * WAL pages the store's own connection lets accumulate before it checkpoints in a commit itself
 * (`PRAGMA wal_autocheckpoint`): the checkpointer below normally keeps the WAL far shorter, and
 * this bounds it (about 40 MiB) if the checkpointer falls behind under a sustained write load or
 * is gone.
 */
export const WAL_FALLBACK_CHECKPOINT_PAGES = 10_000;

/** How often the checkpointer copies the WAL into the database file. */
export const WAL_CHECKPOINT_INTERVAL_MS = 100;

/**
 * The checkpointer's own thread: a second connection to the file that runs
 * `PRAGMA wal_checkpoint(PASSIVE)` on a timer. PASSIVE never waits for readers or writers, and
 * SQLite syncs the WAL before copying and the database after, as in a checkpoint the writer runs.
 * CommonJS, evaluated: it runs the same from src/ under tsx and from dist/.
 */
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const { path, engine, modulePath, intervalMs } = workerData;
const db = engine === 'node:sqlite' ? new (require('node:sqlite').DatabaseSync)(path) : new (require(modulePath))(path);
let failures = 0;
const timer = setInterval(() => {
  try {
    db.exec('PRAGMA wal_checkpoint(PASSIVE)');
    failures = 0;
  } catch (error) {
    // A checkpoint that fails (a full disk, an I/O error) is tried again on the next tick; the
    // writer's own fallback checkpoint still bounds the WAL. Said once per run of failures.
    if (failures++ === 0) parentPort.postMessage({ failed: String((error && error.message) || error) });
  }
}, intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  try {
    db.close();
  } finally {
    parentPort.close();
  }
});
`;

export interface WalCheckpointer {
  /** Stops the thread and closes its connection (before the store's own connection closes). */
  close(): Promise<void>;
}

/**
 * Checkpoints `path`'s WAL off the event loop. A checkpoint run by the writer (SQLite's
 * autocheckpoint, every 1,000 pages by default) copies the pages and fsyncs the WAL and the
 * database on the thread that committed: the event loop, which then answers nothing, reads
 * included, until the disk is done. `onFailure` hears of a checkpoint that failed.
 */
export function startWalCheckpointer(
  path: string,
  onFailure: (message: string) => void = () => undefined,
  engine: SqliteEngine = sqliteEngine(),
): WalCheckpointer {
  const worker = new Worker(CHECKPOINTER, {
    eval: true,
    workerData: {
      path,
      engine,
      modulePath: engine === 'better-sqlite3' ? require.resolve('better-sqlite3') : null,
      intervalMs: WAL_CHECKPOINT_INTERVAL_MS,
    },
    // Not under tsx: the checkpointer is plain CommonJS.
    execArgv: [],
  });
  worker.unref();
  worker.on('message', (message: { failed?: string }) => {
    if (message.failed !== undefined) onFailure(message.failed);
  });
  // A thread that could not start (or died) leaves the writer's fallback checkpoint.
  worker.on('error', (error: Error) => onFailure(error.message));
  return {
    async close() {
      if (worker.threadId === -1) return;
      const exited = once(worker, 'exit').catch(() => undefined);
      worker.postMessage('close');
      const timer = setTimeout(() => void worker.terminate(), 5_000);
      try {
        await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
