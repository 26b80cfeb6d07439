import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { bearer, createHarness, problemOf, type Harness, type LoginBody } from '../helpers/harness.js';
import { createTestSchema, SKIP_POSTGRES } from '../helpers/postgres.js';

const TOKEN = /^brt_[A-Za-z0-9_-]{43}$/;

function calls(h: Harness) {
  return {
    refresh: (token: string) =>
      h.app.inject({ method: 'POST', url: '/api/users-sessions/refresh', payload: { refresh_token: token } }),
    me: (token: string) => h.app.inject({ url: '/api/users/me', headers: bearer(token) }),
    audit: async (type: string, sessionId: string) =>
      (await h.store.audit.list({ type }, { limit: 100 })).items.filter((e) => e.targetId === sessionId),
  };
}

/** The race a browser with two tabs (or a retried request) makes: one token, 20 refreshes at once. */
async function twentyConcurrent(
  h: Harness,
  password: string,
): Promise<{ pair: LoginBody; successor: string; access: string[] }> {
  const { refresh, me } = calls(h);
  const pair = await h.login('bob', password);
  const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(pair.refresh_token)));
  assert.deepEqual(
    answers.map((a) => a.statusCode),
    Array.from({ length: 20 }, () => 200),
    answers.find((a) => a.statusCode !== 200)?.body,
  );
  const bodies = answers.map((a) => a.json<LoginBody>());
  const successors = new Set(bodies.map((b) => b.refresh_token));
  assert.equal(successors.size, 1, 'one successor refresh token for all 20');
  const successor = bodies[0]?.refresh_token ?? '';
  assert.match(successor, TOKEN);
  assert.notEqual(successor, pair.refresh_token);
  assert.ok(bodies.every((b) => b.session_id === pair.session_id));
  assert.equal(new Set(bodies.map((b) => b.access_token)).size, 20, 'each answer has its own access token');
  assert.equal((await me(bodies[19]?.access_token ?? '')).statusCode, 200, 'the session is alive');
  assert.equal((await h.store.sessions.findById(pair.session_id))?.revokedAt, null);
  return { pair, successor, access: bodies.map((b) => b.access_token) };
}

/** After the race the chain goes on from the one successor, which is single-use as ever. */
async function chainContinues(h: Harness, pair: LoginBody, successor: string): Promise<void> {
  const { refresh, me } = calls(h);
  const next = await refresh(successor);
  assert.equal(next.statusCode, 200);
  const third = next.json<LoginBody>();
  assert.notEqual(third.refresh_token, successor);
  const fourth = await refresh(third.refresh_token);
  assert.equal(fourth.statusCode, 200, 'the chain continues');
  // The successor's own successor is used already: presenting the successor again is theft.
  const again = await refresh(successor);
  assert.equal(again.statusCode, 401);
  assert.equal(problemOf(again).code, 'invalid_grant');
  assert.equal((await h.store.sessions.findById(pair.session_id))?.revokedReason, 'refresh_reuse');
  assert.equal((await me(fourth.json<LoginBody>().access_token)).statusCode, 401);
}

describe('refresh reuse window (BULWARK_REFRESH_REUSE_WINDOW, default 10 s)', () => {
  let h: Harness;
  let bob: { id: string; password: string };
  before(async () => {
    h = await createHarness();
    bob = await h.addUser('bob', 'clerk');
  });
  after(() => h.close());

  it('defaults to 10 seconds', () => assert.equal(h.config.refreshReuseWindowSeconds, 10));

  it('20 concurrent refreshes of one token: 20 × 200, one successor, audited as replays without tokens', async () => {
    const { pair, successor } = await twentyConcurrent(h, bob.password);
    const replays = await calls(h).audit('refresh.reused_within_window', pair.session_id);
    assert.equal(replays.length, 19);
    for (const event of replays) {
      assert.equal(event.actorId, bob.id);
      assert.equal(event.details.reuse_window_seconds, 10);
      const text = JSON.stringify(event);
      assert.ok(!text.includes(pair.refresh_token) && !text.includes(successor), 'no token in the audit event');
    }
    assert.equal((await calls(h).audit('refresh.reused', pair.session_id)).length, 0);
    await chainContinues(h, pair, successor);
  });

  it('stores the successor only as its hash', async () => {
    const { pair, successor } = await twentyConcurrent(h, bob.password);
    const hash = createHash('sha256').update(successor).digest('base64url');
    assert.equal((await h.store.refreshTokens.findByHash(hash))?.sessionId, pair.session_id);
    const { rows } = await sql<{
      hash: string;
    }>`select hash from refresh_tokens where session_id = ${pair.session_id}`.execute(h.store.db);
    const sha = (token: string) => createHash('sha256').update(token).digest('base64url');
    assert.deepEqual(rows.map((r) => r.hash).sort(), [sha(pair.refresh_token), hash].sort(), 'two rows, hashes only');
  });

  it('a replay 9 s later answers the same successor; 11 s later it revokes the session', async () => {
    const { refresh, me, audit } = calls(h);
    const pair = await h.login('bob', bob.password);
    const rotated = (await refresh(pair.refresh_token)).json<LoginBody>();
    h.clock.advance(9);
    const replay = await refresh(pair.refresh_token);
    assert.equal(replay.statusCode, 200);
    assert.equal(replay.json<LoginBody>().refresh_token, rotated.refresh_token);
    h.clock.advance(2);
    const late = await refresh(pair.refresh_token);
    assert.equal(late.statusCode, 401);
    assert.equal(problemOf(late).code, 'invalid_grant');
    const after = await me(rotated.access_token);
    assert.equal(after.statusCode, 401);
    assert.equal(problemOf(after).code, 'invalid_token');
    assert.equal((await me(replay.json<LoginBody>().access_token)).statusCode, 401);
    assert.equal((await refresh(rotated.refresh_token)).statusCode, 401);
    assert.equal((await h.store.sessions.findById(pair.session_id))?.revokedReason, 'refresh_reuse');
    const [reused] = await audit('refresh.reused', pair.session_id);
    assert.equal(reused?.actorId, bob.id);
    assert.ok(!JSON.stringify(reused).includes(pair.refresh_token));
    assert.equal((await audit('refresh.reused_within_window', pair.session_id)).length, 1, 'the 9 s replay only');
  });

  it('a revoked session never yields the successor, even inside the window', async () => {
    const { refresh } = calls(h);
    const pair = await h.login('bob', bob.password);
    const rotated = (await refresh(pair.refresh_token)).json<LoginBody>();
    const logout = await h.app.inject({
      method: 'DELETE',
      url: '/api/users-sessions/current',
      headers: bearer(rotated.access_token),
    });
    assert.equal(logout.statusCode, 204);
    const replay = await refresh(pair.refresh_token);
    assert.equal(replay.statusCode, 401);
    assert.equal(problemOf(replay).code, 'invalid_grant');
    assert.ok(!replay.body.includes(rotated.refresh_token));
  });

  it('the successor ends with the session like any refresh token', async () => {
    const { refresh } = calls(h);
    const pair = await h.login('bob', bob.password);
    h.clock.advance(8 * 3600 - 5);
    const rotated = (await refresh(pair.refresh_token)).json<LoginBody>();
    h.clock.advance(5);
    assert.equal((await refresh(pair.refresh_token)).statusCode, 401, 'no replay after the session ended');
    assert.equal((await refresh(rotated.refresh_token)).statusCode, 401);
  });
});

describe('refresh reuse window off (BULWARK_REFRESH_REUSE_WINDOW=0)', () => {
  let h: Harness;
  let bob: { id: string; password: string };
  before(async () => {
    h = await createHarness({ BULWARK_REFRESH_REUSE_WINDOW: '0' });
    bob = await h.addUser('bob', 'clerk');
  });
  after(() => h.close());

  it('20 concurrent refreshes: one 200, 19 × 401 invalid_grant, and the session is revoked', async () => {
    const { refresh, me } = calls(h);
    const pair = await h.login('bob', bob.password);
    const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(pair.refresh_token)));
    const winners = answers.filter((a) => a.statusCode === 200);
    assert.equal(winners.length, 1, answers.map((a) => a.statusCode).join(','));
    for (const loser of answers.filter((a) => a.statusCode !== 200))
      assert.equal(problemOf(loser).code, 'invalid_grant');
    assert.equal((await h.store.sessions.findById(pair.session_id))?.revokedReason, 'refresh_reuse');
    assert.equal((await me(winners[0]?.json<LoginBody>().access_token ?? '')).statusCode, 401);
    assert.equal((await calls(h).audit('refresh.reused_within_window', pair.session_id)).length, 0);
  });
});

if (SKIP_POSTGRES !== false) it('refresh reuse window on postgres', { skip: SKIP_POSTGRES }, () => undefined);

describe('refresh reuse window on postgres (real pool, real concurrency)', { skip: SKIP_POSTGRES }, () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let h: Harness;
  let bob: { id: string; password: string };
  before(async () => {
    schema = await createTestSchema('bulwark_refresh');
    h = await createHarness({ BULWARK_DATABASE_URL: schema.url });
    bob = await h.addUser('bob', 'clerk');
  });
  after(async () => {
    await h?.close();
    await schema?.drop();
  });

  it('20 concurrent refreshes of one token: 20 × 200 with one successor, and the chain continues', async () => {
    assert.equal(h.store.kind, 'postgres');
    const { pair, successor } = await twentyConcurrent(h, bob.password);
    assert.equal((await calls(h).audit('refresh.reused_within_window', pair.session_id)).length, 19);
    await chainContinues(h, pair, successor);
  });
});
