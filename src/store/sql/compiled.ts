import type { CompiledQuery, Compilable, Kysely, KyselyPlugin } from 'kysely';
import { directSqlite } from '../sqlite.js';

/** Stands for the i-th runtime parameter while the query is built; typed as whatever it replaces. */
export type Param = <T>(index: number) => T;

interface Template<R> {
  query: CompiledQuery<R>;
  /** Per compiled parameter: the index of the runtime parameter it takes, or -1 for a constant. */
  slots: number[];
}

const MARK = '\u0000bulwark-param:';
const param: Param = <T>(index: number) => `${MARK}${index}\u0000` as T;

/**
 * A query built with the query builder once, compiled once per database dialect, and then run
 * with new parameters: the builder's object graph and SQL compilation cost more than a
 * primary-key read, so hot reads should not pay them per request. Build the query with
 * `p(0)`, `p(1)`, ... where the runtime values go; anything else stays a constant.
 * Compiled SQL depends only on the dialect, which a transaction shares with its database, so
 * templates are kept per dialect adapter (the same object for a Kysely instance and its
 * transactions).
 */
export class CompiledRead<DB, R> {
  readonly #templates = new WeakMap<object, Template<R>>();

  constructor(private readonly build: (db: Kysely<DB>, p: Param) => Compilable<R>) {}

  async rows(db: Kysely<DB>, params: readonly unknown[]): Promise<R[]> {
    return (await this.#execute(db, params)).rows;
  }

  /** For an UPDATE or DELETE: how many rows it changed. */
  async changed(db: Kysely<DB>, params: readonly unknown[]): Promise<number> {
    return Number((await this.#execute(db, params)).numAffectedRows ?? 0n);
  }

  /** The statement with `params` in place, compiled for `db`'s dialect, not run (a synchronous transaction runs it). */
  compiled(db: Kysely<DB>, params: readonly unknown[]): CompiledQuery<R> {
    const template = this.#template(db);
    const parameters = template.query.parameters.map((value, i) => {
      const slot = template.slots[i] ?? -1;
      return slot === -1 ? value : params[slot];
    });
    return { ...template.query, parameters };
  }

  /**
   * Each row as an array of its values in the order the query selects them: for a wide row
   * (a join), cheaper than an object, whose keys SQLite's driver makes again for every row.
   */
  async arrays(db: Kysely<DB>, params: readonly unknown[]): Promise<unknown[][]> {
    const query = this.compiled(db, params);
    const direct = this.#direct<unknown[]>(db, query, true);
    if (direct !== undefined) return (await direct).rows;
    // Elsewhere (Postgres) a row object's keys are in select order.
    return (await db.executeQuery<R>(query)).rows.map((row) => Object.values(row as object));
  }

  #execute(db: Kysely<DB>, params: readonly unknown[]) {
    const query = this.compiled(db, params);
    return this.#direct<R>(db, query, false) ?? db.executeQuery<R>(query);
  }

  /** SQLite: at once on its connection where kysely would run it the same way (direct-sqlite.ts). */
  #direct<T>(db: Kysely<DB>, query: CompiledQuery, arrays: boolean) {
    if (db.getExecutor().plugins.length > 0) return undefined;
    return directSqlite(db)?.run<T>(query, db.isTransaction, arrays);
  }

  async first(db: Kysely<DB>, params: readonly unknown[]): Promise<R | undefined> {
    return (await this.rows(db, params))[0];
  }

  #template(db: Kysely<DB>): Template<R> {
    const adapter = db.getExecutor().adapter;
    let template = this.#templates.get(adapter);
    if (template === undefined) {
      const query = this.build(db, param).compile();
      const slots = query.parameters.map((value) =>
        typeof value === 'string' && value.startsWith(MARK) ? Number.parseInt(value.slice(MARK.length), 10) : -1,
      );
      template = { query, slots };
      this.#templates.set(adapter, template);
    }
    return template;
  }
}

/**
 * An INSERT of one row, compiled once per dialect like {@link CompiledRead}, and run with a row
 * object: its values are taken by column name, so a call site cannot put one in another's place.
 * `columns` lists every column the insert writes, in the order the SQL names them. `plugin` is
 * applied as the insert is compiled (a tag such as DEFER_DURABILITY travels with the compiled
 * query); an insert with and one without it are two CompiledInserts.
 */
export class CompiledInsert<DB, TB extends keyof DB & string, C extends keyof DB[TB] & string> {
  readonly #insert: CompiledRead<DB, never>;

  constructor(
    table: TB,
    private readonly columns: readonly C[],
    plugin?: KyselyPlugin,
  ) {
    this.#insert = new CompiledRead<DB, never>((db, p) =>
      (plugin === undefined ? db : db.withPlugin(plugin))
        .insertInto(table)
        .values(Object.fromEntries(columns.map((column, i) => [column, p(i)])) as never),
    );
  }

  async run(db: Kysely<DB>, row: { readonly [K in C]: DB[TB][K] }): Promise<void> {
    await this.#insert.rows(db, this.#values(row));
  }

  /** The insert of `row`, compiled for `db`'s dialect, not run. */
  compiled(db: Kysely<DB>, row: { readonly [K in C]: DB[TB][K] }): CompiledQuery<never> {
    return this.#insert.compiled(db, this.#values(row));
  }

  #values(row: { readonly [K in C]: DB[TB][K] }): unknown[] {
    return this.columns.map((column) => row[column]);
  }
}
