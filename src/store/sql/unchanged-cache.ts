import { changeMarkers, type AnyKysely } from '../sqlite.js';

/** Rows kept per cache; an unknown key is never kept. */
export const UNCHANGED_CACHE_SIZE = 1_000;

interface Entry<V> {
  value: V;
  /** Other connections' commits (SQLite's `PRAGMA data_version`) when the row was read. */
  version: number;
  /** This connection's writes of the tables the row comes from, when it was read. */
  generation: number;
}

/**
 * Rows read by key, answered from memory for as long as nothing can have changed them: SQLite's
 * `PRAGMA data_version` (src/store/sqlite.ts) is what it was when the row was read, so no other
 * connection (another instance, the CLI) has committed anything since, and no statement of this
 * process has written the tables it comes from since (the dialect counts every write per table:
 * src/store/table-writes.ts). Either one drops the row, so an answer from here is the answer the
 * read would have given. Kept values are shared: they must be frozen. Only for SQLite, where a
 * read costs more than the two markers (a read transaction's locks and syscalls); Postgres has no
 * such marker and reads every time.
 */
export class UnchangedCache<V> {
  readonly #entries = new Map<string, Entry<V>>();

  constructor(
    private readonly version: () => number,
    private readonly generation: () => number,
    private readonly max: number = UNCHANGED_CACHE_SIZE,
  ) {}

  /** The kept row, or `load`'s (kept when found and nothing was written while it ran). */
  async read(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const generation = this.generation();
    const version = this.version();
    const kept = this.#entries.get(key);
    if (kept !== undefined && kept.generation === generation && kept.version === version) return kept.value;
    const value = await load();
    if (value === undefined) {
      this.#entries.delete(key);
    } else if (generation === this.generation()) {
      this.#entries.delete(key);
      if (this.#entries.size >= this.max) this.#entries.delete(this.#entries.keys().next().value as string);
      this.#entries.set(key, { value, version, generation });
    }
    return value;
  }

  /** Rows kept right now (tests). */
  get size(): number {
    return this.#entries.size;
  }
}

/**
 * A cache of rows from `tables` of `db`, or undefined where the database has no change markers
 * (Postgres) or `db` is a transaction: the caller then reads every time.
 */
export function unchangedCache<V>(
  db: AnyKysely,
  tables: readonly string[],
  max: number = UNCHANGED_CACHE_SIZE,
): UnchangedCache<V> | undefined {
  const markers = changeMarkers(db);
  // A row read inside a transaction may hold its own writes, which a rollback undoes.
  if (markers === undefined || db.isTransaction) return undefined;
  return new UnchangedCache<V>(markers.dataVersion, () => markers.writes.marker(tables), max);
}

/**
 * For adapters made per call on whatever database or transaction they are given (payroll's
 * repos): one UnchangedCache per database, made on first use, and none inside a transaction.
 */
export class UnchangedCaches<V> {
  readonly #byDatabase = new WeakMap<object, UnchangedCache<V> | undefined>();

  constructor(
    private readonly tables: readonly string[],
    private readonly max: number = UNCHANGED_CACHE_SIZE,
  ) {}

  of(db: AnyKysely): UnchangedCache<V> | undefined {
    if (db.isTransaction) return undefined;
    const adapter = db.getExecutor().adapter;
    if (!this.#byDatabase.has(adapter)) this.#byDatabase.set(adapter, unchangedCache<V>(db, this.tables, this.max));
    return this.#byDatabase.get(adapter);
  }
}

/** `load` through `cache` when there is one. */
export function readThrough<V>(
  cache: UnchangedCache<V> | undefined,
  key: string,
  load: () => Promise<V | undefined>,
): Promise<V | undefined> {
  return cache === undefined ? load() : cache.read(key, load);
}

/** Freezes `value` and everything reachable from it (plain objects and arrays): what a cache may share. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
