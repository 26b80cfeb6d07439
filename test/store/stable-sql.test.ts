import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrateToLatest } from '../../src/store/migrations/index.js';
import { sqlRefreshTokens } from '../../src/store/sql/refresh-tokens.js';
import { sqlSessions } from '../../src/store/sql/sessions.js';
import { sqlUsers } from '../../src/store/sql/users.js';
import { recordingSqlite } from './recording-sqlite.js';
import { makeSession, makeToken, makeUser } from './suite/fixtures.js';

/**
 * SQLite keeps each distinct SQL text prepared (src/store/sqlite-driver.ts, 500 of them): a
 * statement whose text changes per call (a value inlined as a literal) is prepared every time and
 * pushes the hot statements out. The refresh rotation ran one such statement per call.
 */
describe('SQLite statement texts stay the same from call to call', () => {
  it('a refresh rotation prepares nothing new after the first one', async () => {
    const texts: string[] = [];
    const { db } = recordingSqlite((text) => texts.push(text));
    try {
      await migrateToLatest(db);
      const user = makeUser();
      await sqlUsers(db).create(user);
      const session = makeSession(user.id);
      await sqlSessions(db).create(session);
      const tokens = sqlRefreshTokens(db);
      let clock = session.createdAt;
      const rotate = async (from: string, to: string) => {
        clock += 1_000;
        const outcome = await tokens.rotate(from, makeToken(session.id, { hash: to, createdAt: clock }), () => clock);
        assert.equal(outcome.outcome, 'rotated');
      };
      await tokens.insert(makeToken(session.id, { hash: 'h0' }));
      await rotate('h0', 'h1');
      const afterFirst = new Set(texts).size;
      for (let i = 1; i < 20; i++) await rotate(`h${i}`, `h${i + 1}`);
      assert.equal(new Set(texts).size, afterFirst, [...new Set(texts)].slice(afterFirst).join('\n'));
    } finally {
      await db.destroy();
    }
  });
});
