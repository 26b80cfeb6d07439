import { open, type FileHandle } from 'node:fs/promises';
import { DATABASE_DEADLINE_DEFAULTS } from '../config/index.js';

/** Flushes what has been written to the write-ahead log to stable storage; off the event loop. */
export type WalFlush = () => Promise<void>;

/**
 * Group commit for SQLite in WAL mode with synchronous=NORMAL (src/store/sqlite.ts).
 *
 * The durability argument. With synchronous=NORMAL, SQLite's COMMIT appends the transaction's
 * frames to the -wal file with write(2), on the event loop, and returns without an fsync: the
 * frames are then in the kernel's page cache (they survive a killed process, not a power loss).
 * `committed()` is called after each such commit returns and numbers it; `durable(n)` resolves
 * once an fdatasync(2) of the -wal file that *started after* commit n returned has completed.
 * fdatasync flushes every page of the file written before it was called, whichever descriptor
 * wrote it, so commit n is then on stable storage, exactly as synchronous=FULL would have put it
 * there before COMMIT returned. Every write of the store awaits `durable` before its caller goes
 * on (see DurableSqliteDialect), so no answer, audit step or publish follows a write that could
 * still be lost. The frames a checkpoint copies into the database file are fsynced by SQLite
 * itself (NORMAL still syncs the WAL before and the database after each checkpoint), and a WAL
 * that restarts after a checkpoint keeps its inode, so the descriptor held here stays valid.
 *
 * The gain: one fdatasync, on libuv's thread pool, covers every transaction that committed while
 * the previous one ran (group commit), and the event loop never waits for the disk: reads go on
 * while writes wait for their flush. A failed flush rejects every write it was to cover (their
 * callers answer 503); nothing is acknowledged that the flush did not reach. A flush that does
 * not end within the statement deadline (a disk that stopped answering) fails them the same way.
 */
export class GroupCommit {
  #committed = 0;
  #durable = 0;
  #flushing: Promise<void> | undefined;
  /** A flush past its deadline is still running: until it ends, every write waiting for one fails at once. */
  #stalled = false;
  /** Flushes run (for tests and metrics). */
  flushes = 0;

  constructor(
    private readonly flush: WalFlush,
    /** Told the number of each commit as it is numbered (sqlite.ts starts its checkpointer from it). */
    private readonly onCommitted: (n: number) => void = () => undefined,
    /**
     * How long a write waits for its flush (the store's statement deadline). Past it the write
     * fails as a stalled database (a 503 with Retry-After): its commit is in the WAL and becomes
     * durable when the disk answers, so a retry finds it (a payment replays its answer).
     */
    private readonly deadlineMs: number = DATABASE_DEADLINE_DEFAULTS.statementTimeoutMs,
  ) {}

  /** Numbers a commit that has just returned; pass the number to `durable`. */
  committed(): number {
    const n = ++this.#committed;
    this.onCommitted(n);
    return n;
  }

  /** The number of the last commit so far. */
  get latest(): number {
    return this.#committed;
  }

  /**
   * Resolves once commit `n` is on stable storage; rejects if the flush that was to cover it
   * failed, or did not end within the deadline (and at once while such a flush still runs: no
   * second fdatasync is queued behind a disk that does not answer).
   */
  async durable(n: number): Promise<void> {
    while (this.#durable < n) {
      if (this.#stalled) throw flushStalled(this.deadlineMs);
      // A flush already under way may have started before commit n: wait for it, then flush again if needed.
      this.#flushing ??= this.#flushOnce();
      await this.#flushing;
    }
  }

  async #flushOnce(): Promise<void> {
    const covers = this.#committed;
    const reached = () => {
      if (covers > this.#durable) this.#durable = covers;
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      this.flushes++;
      const flushing = this.flush();
      const deadline = new Promise<'stalled'>((resolve) => {
        timer = setTimeout(() => resolve('stalled'), this.deadlineMs);
      });
      if ((await Promise.race([flushing, deadline])) === 'stalled') {
        this.#stalled = true;
        void flushing
          .then(reached, () => undefined)
          .finally(() => {
            this.#stalled = false;
          });
        throw flushStalled(this.deadlineMs);
      }
      reached();
    } finally {
      clearTimeout(timer);
      this.#flushing = undefined;
    }
  }
}

/** What a write answers when the disk did not confirm its flush in time: an outage (503), not a fault. */
function flushStalled(deadlineMs: number): Error {
  return Object.assign(new Error(`SQLite WAL flush deadline exceeded (${deadlineMs} ms)`), { code: 'ETIMEDOUT' });
}

/**
 * fdatasync of `<database>-wal` through a descriptor opened on first use (the file exists once the
 * database is in WAL mode and has been written). SQLite deletes the WAL only when the last
 * connection closes, and this process holds one until the store is destroyed, so the file (its
 * inode) the descriptor names is the one SQLite writes for as long as flushes are asked for.
 */
export function walFlush(databasePath: string): WalFlush & { close(): Promise<void> } {
  const path = `${databasePath}-wal`;
  let handle: Promise<FileHandle> | undefined;
  const flush = async (): Promise<void> => {
    handle ??= open(path, 'r+');
    let file: FileHandle;
    try {
      file = await handle;
    } catch (error) {
      handle = undefined;
      throw error;
    }
    await file.datasync();
  };
  return Object.assign(flush, {
    close: async () => {
      const open = handle;
      handle = undefined;
      await (await open?.catch(() => undefined))?.close();
    },
  });
}
