import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrateToLatest } from '../../src/store/migrations/index.js';
import { sqlRefreshTokens } from '../../src/store/sql/refresh-tokens.js';
import { sqlSessions } from '../../src/store/sql/sessions.js';
import { sqlUsers } from '../../src/store/sql/users.js';
import { hasPlan, recordingSqlite, scansOf } from './recording-sqlite.js';
import { makeSession, makeToken, makeUser } from './suite/fixtures.js';

/**
 * Every statement a refresh runs must find its rows by a key, whatever the number of sessions and
 * tokens: the rotation's `session_id IN (SELECT id FROM sessions WHERE live)` listed every live
 * session per refresh (43 ms a refresh beside 100,000 of them). SQLite's plan says SCAN for a
 * full pass over a table; a refresh may make none.
 */
describe('SQLite plans of a refresh: every table reached by a key', () => {
  it('rotation, reuse within the window and reuse after it scan no table', async () => {
    const texts = new Set<string>();
    const { db, prepare } = recordingSqlite((text) => texts.add(text));
    try {
      await migrateToLatest(db);
      const user = makeUser();
      await sqlUsers(db).create(user);
      const session = makeSession(user.id);
      await sqlSessions(db).create(session);
      const tokens = sqlRefreshTokens(db);
      texts.clear();
      let clock = session.createdAt;
      const next = (hash: string) => makeToken(session.id, { hash, createdAt: (clock += 1_000) });
      await tokens.insert(makeToken(session.id, { hash: 'h0' }));
      assert.ok(await tokens.findForRefresh('h0'));
      assert.equal((await tokens.rotate('h0', next('h1'), () => clock)).outcome, 'rotated');
      // h0 again, inside and then outside its reuse window: the classifying path.
      assert.equal((await tokens.rotate('h0', next('h1'), () => clock, 60_000)).outcome, 'replayed');
      assert.equal((await tokens.rotate('h0', next('h1'), () => clock + 120_000, 60_000)).outcome, 'reused');

      const planned = [...texts].filter(hasPlan);
      assert.ok(planned.length >= 4, `the refresh statements were seen: ${planned.join('\n')}`);
      const scans = planned.flatMap((text) => scansOf(prepare, text).map(({ detail }) => `${detail}: ${text}`));
      assert.deepEqual(scans, []);
    } finally {
      await db.destroy();
    }
  });
});
