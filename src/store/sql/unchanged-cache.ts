/** Rows kept per table; clients are few, and an unknown id is never kept. */
export const UNCHANGED_CACHE_SIZE = 1_000;

interface Entry<V> {
  value: V;
  /** The database's change marker when the row was read. */
  version: number;
  /** This cache's own-write generation when the row was read. */
  generation: number;
}

/**
 * Rows read by primary key, answered from memory for as long as nothing can have changed them:
 * SQLite's `PRAGMA data_version` (src/store/sqlite.ts) is what it was when the row was read, so
 * no other connection (another instance, the CLI) has committed anything since, and this process
 * has made no write to the table since (its adapter calls `changed()` after each). Either one
 * drops the row, so an answer from here is the answer the read would have given. Only for
 * SQLite, where a read costs more than the marker (a read transaction's locks and syscalls);
 * Postgres has no such marker and reads every time.
 */
export class UnchangedCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  #generation = 0;

  constructor(
    private readonly version: () => number,
    private readonly max: number = UNCHANGED_CACHE_SIZE,
  ) {}

  /** The kept row, or `load`'s (kept when found and nothing was written while it ran). */
  async read(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const generation = this.#generation;
    const version = this.version();
    const kept = this.#entries.get(key);
    if (kept !== undefined && kept.generation === generation && kept.version === version) return kept.value;
    const value = await load();
    if (value === undefined) {
      this.#entries.delete(key);
    } else if (generation === this.#generation) {
      this.#entries.delete(key);
      if (this.#entries.size >= this.max) this.#entries.delete(this.#entries.keys().next().value as string);
      this.#entries.set(key, { value, version, generation });
    }
    return value;
  }

  /** After (and whatever the outcome of) any write of this process to the table. */
  changed(): void {
    this.#generation++;
    this.#entries.clear();
  }

  /** Rows kept right now (tests). */
  get size(): number {
    return this.#entries.size;
  }
}
