import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { InvalidRequestError } from '../../errors/index.js';
import type { Page } from '../types.js';

/** The sort key a page ends on: [time in ms, id]. The cursor is base64url of its JSON. */
export type SortKey = readonly [number, string];

const BASE64URL = /^[A-Za-z0-9_-]{1,1024}$/;

export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Cursors come from clients: anything but a cursor we issued is a 400, never a 500. */
export function decodeCursor(cursor: string): SortKey {
  const bad = (): InvalidRequestError =>
    new InvalidRequestError('malformed pagination cursor', {
      detail: 'The pagination cursor is invalid.',
    });
  if (!BASE64URL.test(cursor)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw bad();
  const [at, id] = parsed as unknown[];
  if (typeof at !== 'number' || !Number.isSafeInteger(at) || typeof id !== 'string') throw bad();
  return [at, id];
}

/** `rows` were fetched with limit + 1: the extra row only tells that another page exists. */
export function toPage<T>(rows: T[], limit: number, key: (item: T) => SortKey): Page<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: last === undefined ? null : encodeCursor(key(last)) };
}

/**
 * Keyset pagination: rows strictly after `cursor` in (column, id) order — ascending or
 * descending — so each list query adds `.where(afterCursor(...))`. A row-value comparison
 * (SQLite and Postgres both have it), which an index on (column, id) seeks to directly; the
 * equivalent `a > x or (a = x and id > y)` made both engines scan the index from its start.
 * The cursor is decoded (and refused with a 400) here.
 */
export function afterCursor(cursor: string, column: string, direction: 'asc' | 'desc'): RawBuilder<SqlBool> {
  const [at, id] = decodeCursor(cursor);
  const past = sql.raw(direction === 'asc' ? '>' : '<');
  return sql<SqlBool>`((${sql.ref(column)}, ${sql.ref('id')}) ${past} (${at}, ${id}))`;
}
