import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { payrollMigrations } from '../../src/payroll/index.js';
import { openStore } from '../../src/store/index.js';
import { createTestSchema, SKIP_POSTGRES } from '../helpers/postgres.js';

/** A 201 is only answered for what is durable: every write waits for its commit's flush to disk. */
describe('durability of answered writes', () => {
  it('SQLite: WAL with synchronous=NORMAL (1) on the connection the product opens, its writes under group commit (test/store/group-commit.test.ts)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-durability-'));
    const store = await openStore({ dataDir, migrations: payrollMigrations });
    try {
      const synchronous = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
      assert.equal(Number(synchronous.rows[0]?.synchronous), 1);
      const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
      assert.equal(journal.rows[0]?.journal_mode, 'wal');
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  if (SKIP_POSTGRES !== false) it('Postgres: synchronous_commit', { skip: SKIP_POSTGRES }, () => undefined);
  else
    it("Postgres: synchronous_commit is on for the product's connections (nothing lowers it)", async () => {
      const schema = await createTestSchema('bulwark_durability');
      const store = await openStore({ databaseUrl: schema.url, dataDir: tmpdir(), migrations: payrollMigrations });
      try {
        const setting = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(store.db);
        assert.equal(setting.rows[0]?.synchronous_commit, 'on');
      } finally {
        await store.close();
        await schema.drop();
      }
    });
});
