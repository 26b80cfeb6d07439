import assert from 'node:assert/strict';
import { InvalidRequestError } from '../../../src/errors/index.js';
import type { Page, PageRequest } from '../../../src/store/types.js';

/** Follows nextCursor to the end, checking that only the last page has a null cursor. */
export async function collectPages<T>(list: (page: PageRequest) => Promise<Page<T>>, limit: number): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await list({ cursor, limit });
    assert.ok(page.items.length <= limit);
    pages.push(page.items);
    if (page.nextCursor === null) return pages;
    assert.equal(page.items.length, limit, 'only the last page may be short');
    cursor = page.nextCursor;
    assert.ok(pages.length < 1000, 'pagination does not terminate');
  }
}

const b64 = (text: string): string => Buffer.from(text).toString('base64url');

export const BAD_CURSORS = [
  '',
  'not base64!',
  '%%%',
  b64('not json'),
  b64('{"at":1,"id":"x"}'),
  b64('[1]'),
  b64('[1,"a","b"]'),
  b64('["1","a"]'),
  b64('[1.5,"a"]'),
  b64('[1,2]'),
  b64('null'),
  'A'.repeat(5000),
];

export async function assertRejectsBadCursors<T>(list: (page: PageRequest) => Promise<Page<T>>): Promise<void> {
  for (const cursor of BAD_CURSORS) {
    await assert.rejects(
      list({ cursor, limit: 5 }),
      (error: unknown) =>
        error instanceof InvalidRequestError && error.code === 'invalid_request' && error.status === 400,
      `cursor ${JSON.stringify(cursor.slice(0, 40))} must be a 400`,
    );
  }
}
