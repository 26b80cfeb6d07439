import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AUTH_DEFAULTS } from '../../src/auth/defaults.js';
import { endedSessionPurgeTask, PURGE_BATCHES_PER_RUN } from '../../src/compose/upkeep.js';
import { openMemoryStore } from '../../src/store/open.js';
import { makeSession, makeToken, makeUser } from '../store/suite/fixtures.js';

const NOW = Date.UTC(2026, 11, 7);
const KEEP = AUTH_DEFAULTS.endedSessionKeepMs;

describe('ended session purge (upkeep)', () => {
  it('asks for sessions that expired the keeping time ago, batch after batch until one deletes nothing', async () => {
    const asked: number[] = [];
    const answers = [
      { sessions: 200, refreshTokens: 5_000 },
      { sessions: 0, refreshTokens: 12 },
      { sessions: 0, refreshTokens: 0 },
    ];
    const task = endedSessionPurgeTask(
      {
        purgeEnded: (before) => {
          asked.push(before);
          return Promise.resolve(answers.shift() ?? { sessions: 0, refreshTokens: 0 });
        },
      },
      () => NOW,
    );
    await task.run();
    assert.deepEqual(asked, [NOW - KEEP, NOW - KEEP, NOW - KEEP]);
  });

  it('stops after its share of batches, leaving the rest to the next run', async () => {
    let calls = 0;
    const task = endedSessionPurgeTask(
      {
        purgeEnded: () => {
          calls++;
          return Promise.resolve({ sessions: 1, refreshTokens: 0 });
        },
      },
      () => NOW,
    );
    await task.run();
    assert.equal(calls, PURGE_BATCHES_PER_RUN);
  });

  it('on a real store: deletes what expired before the keeping time, keeps what ended since', async () => {
    const store = await openMemoryStore();
    try {
      const user = makeUser();
      await store.users.create(user);
      const old = makeSession(user.id, { createdAt: NOW - KEEP - 10_000, expiresAt: NOW - KEEP - 1 });
      const recent = makeSession(user.id, { createdAt: NOW - KEEP, expiresAt: NOW - KEEP + 1, revokedAt: NOW - KEEP });
      for (const session of [old, recent]) {
        await store.sessions.create(session);
        await store.refreshTokens.insert(makeToken(session.id, { expiresAt: session.expiresAt }));
      }
      await endedSessionPurgeTask(store.sessions, () => NOW).run();
      assert.equal(await store.sessions.findById(old.id), undefined);
      assert.deepEqual(await store.sessions.findById(recent.id), recent);
    } finally {
      await store.close();
    }
  });
});
