import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { openStore } from '../../src/store/index.js';
import { adminQuery, createTestSchema, SKIP_POSTGRES } from '../helpers/postgres.js';

describe('Postgres introspection sees the current schema only', { skip: SKIP_POSTGRES }, () => {
  const drops: Array<() => Promise<void>> = [];
  after(async () => {
    for (const drop of drops) await drop();
  });

  it("lists the store's own tables, not another schema's", async () => {
    const mine = await createTestSchema('bulwark_introspect');
    const other = await createTestSchema('bulwark_introspect');
    drops.push(mine.drop, other.drop);
    await adminQuery(`create table ${other.schema}.not_mine (id int)`);
    const store = await openStore({ databaseUrl: mine.url, dataDir: '/nonexistent' });
    try {
      const tables = await store.db.introspection.getTables({ withInternalKyselyTables: true });
      assert.ok(tables.length > 10 && tables.every((t) => t.schema === mine.schema));
      assert.ok(tables.some((t) => t.name === 'bulwark_migration') && tables.some((t) => t.name === 'sessions'));
      assert.ok(!tables.some((t) => t.name === 'not_mine'));
    } finally {
      await store.close();
    }
  });

  it('opens (and migrates) while other schemas are created and dropped beside it', async () => {
    let churning = true;
    const churn = (async () => {
      while (churning) {
        const name = `bulwark_churn_${randomBytes(6).toString('hex')}`;
        await adminQuery(
          `create schema ${name}; create table ${name}.a (id serial, b text); create table ${name}.c (d int)`,
        );
        await adminQuery(`drop schema ${name} cascade`);
      }
    })();
    try {
      for (let i = 0; i < 6; i++) {
        const schema = await createTestSchema('bulwark_introspect');
        drops.push(schema.drop);
        const store = await openStore({ databaseUrl: schema.url, dataDir: '/nonexistent' });
        await store.close();
      }
    } finally {
      churning = false;
      await churn;
    }
  });
});
