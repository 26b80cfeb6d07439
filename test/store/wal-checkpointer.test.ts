import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openSqlite } from '../../src/store/sqlite.js';
import { openSqliteDatabase } from '../../src/store/sqlite-driver.js';
import { WAL_CHECKPOINT_INTERVAL_MS, WAL_FALLBACK_CHECKPOINT_PAGES } from '../../src/store/wal-checkpointer.js';

const root = mkdtempSync(join(tmpdir(), 'bulwark-checkpointer-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Rows the database file alone holds (a copy without its -wal): what checkpoints copied there. */
function rowsInDatabaseFile(path: string, copy: string): number {
  copyFileSync(path, copy);
  const database = openSqliteDatabase(copy);
  try {
    return Number((database.prepare('select count(*) as n from t').all([]) as Array<{ n: number }>)[0]?.n);
  } finally {
    database.close();
  }
}

describe('SQLite WAL checkpoints off the event loop', () => {
  it('a store that has committed enough has its WAL copied into the database by another thread; the writer only past the fallback', async () => {
    const path = join(root, 'busy.db');
    const db = openSqlite(path);
    try {
      const pages = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db);
      assert.equal(Number(pages.rows[0]?.wal_autocheckpoint), WAL_FALLBACK_CHECKPOINT_PAGES);
      await sql`create table t (id integer primary key, v text)`.execute(db);
      // Each insert commits on its own: 300 commits start the checkpointer (after 200) and leave
      // a WAL of a few hundred pages, far below the writer's own fallback.
      for (let i = 0; i < 300; i++) await sql`insert into t (v) values (${`row ${i}`})`.execute(db);
      assert.ok(statSync(`${path}-wal`).size > 0);
      // The thread's first checkpoint may come late on a loaded machine (its start included):
      // until then the database file has not even the table.
      let copied = 0;
      for (let tries = 0; tries < 150 && copied < 300; tries++) {
        await sleep(WAL_CHECKPOINT_INTERVAL_MS);
        try {
          copied = rowsInDatabaseFile(path, join(root, 'busy-copy.db'));
        } catch (error) {
          if (!/no such table/.test((error as Error).message)) throw error;
        }
      }
      assert.equal(copied, 300, 'every committed row reached the database file without the writer checkpointing');
    } finally {
      await db.destroy();
    }
    assert.equal(existsSync(`${path}-wal`), false, 'closed: the last connection removed the WAL');
  });

  it('a store that committed little starts no thread: its WAL stays uncopied until it closes', async () => {
    const path = join(root, 'quiet.db');
    const db = openSqlite(path);
    try {
      await sql`create table t (id integer primary key, v text)`.execute(db);
      for (let i = 0; i < 20; i++) await sql`insert into t (v) values (${`row ${i}`})`.execute(db);
      await sleep(WAL_CHECKPOINT_INTERVAL_MS * 3);
      assert.throws(() => rowsInDatabaseFile(path, join(root, 'quiet-copy.db')), /no such table/);
    } finally {
      await db.destroy();
    }
    assert.equal(rowsInDatabaseFile(path, join(root, 'quiet-closed.db')), 20);
  });
});
