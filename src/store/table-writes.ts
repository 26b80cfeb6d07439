import type { CompiledQuery, OperationNode, QueryResult } from 'kysely';

/** Raw statements that never change the database; any other raw statement counts as a write of every table. */
export const READ_ONLY_RAW = /^\s*(select|pragma|explain)\b/i;

/** Transaction control, which the driver sends as raw statements: it writes no table itself. */
const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|savepoint|release)\b/i;

/** What a statement may change: nothing, these tables, or anything (its tables are not known, or it may cascade). */
export type Written = 'none' | 'any' | readonly [string];

function tableName(node: OperationNode | undefined): string | undefined {
  const table = node?.kind === 'AliasNode' ? (node as unknown as { node: OperationNode }).node : node;
  if (table?.kind !== 'TableNode') return undefined;
  return (table as unknown as { table: { schema?: unknown; identifier: { name: string } } }).table.identifier.name;
}

/**
 * The tables a statement kysely runs may write. An INSERT writes its table, an UPDATE its target;
 * a DELETE may cascade through foreign keys, and INSERT OR REPLACE deletes, so both count as
 * writes of everything, as do DDL, raw SQL other than a read, and any statement with a WITH.
 * SQLite has no triggers here and no ON UPDATE CASCADE (the migrations declare neither).
 */
export function writtenTables(query: CompiledQuery): Written {
  const node = query.query as unknown as Record<string, unknown> & OperationNode;
  switch (node.kind) {
    case 'SelectQueryNode':
      return 'none';
    case 'RawNode':
      return READ_ONLY_RAW.test(query.sql) || TRANSACTION_CONTROL.test(query.sql) ? 'none' : 'any';
    case 'InsertQueryNode': {
      if (node.replace === true || node.orAction !== undefined || node.with !== undefined) return 'any';
      const name = tableName(node.into as OperationNode | undefined);
      return name === undefined ? 'any' : [name];
    }
    case 'UpdateQueryNode': {
      if (node.with !== undefined) return 'any';
      const name = tableName(node.table as OperationNode | undefined);
      return name === undefined ? 'any' : [name];
    }
    default:
      return 'any';
  }
}

/** True when a DML statement is known to have changed no row (so nothing, cascades included, changed). */
function changedNoRow(query: CompiledQuery, result: QueryResult<unknown>): boolean {
  const kind = query.query.kind;
  if (kind !== 'InsertQueryNode' && kind !== 'UpdateQueryNode' && kind !== 'DeleteQueryNode') return false;
  // With RETURNING the statement answers rows (one per row changed) and no count.
  return result.numAffectedRows === undefined ? result.rows.length === 0 : result.numAffectedRows === 0n;
}

/**
 * Write counters of one SQLite connection, per table, bumped by its dialect once each write
 * statement has run (src/store/keep-cause-dialect.ts): a number from `marker` that is the same
 * at two moments means no statement of this process has written those tables in between.
 * (Other connections' commits are SQLite's `PRAGMA data_version`; UnchangedCache checks both.)
 * Every statement goes through the dialect, so no adapter has to remember to say it wrote. A
 * statement that failed changed nothing (SQLite undoes it), nor did one that changed no row;
 * the writes of a transaction that rolls back still count (a cache drops a row too many).
 */
export class TableWrites {
  #any = 0;
  readonly #byTable = new Map<string, number>();

  /** Called by the dialect with each statement it ran and its result. */
  note(query: CompiledQuery, result: QueryResult<unknown>): void {
    const written = writtenTables(query);
    if (written === 'none' || changedNoRow(query, result)) return;
    if (written === 'any') {
      this.#any++;
      return;
    }
    const [table] = written;
    this.#byTable.set(table, (this.#byTable.get(table) ?? 0) + 1);
  }

  /** A number that grows whenever any of `tables` may have been written by this connection. */
  marker(tables: readonly string[]): number {
    let marker = this.#any;
    for (const table of tables) marker += this.#byTable.get(table) ?? 0;
    return marker;
  }
}
