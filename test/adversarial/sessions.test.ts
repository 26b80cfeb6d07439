import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  assertRejected,
  GENEROUS_LIMITS,
  send,
  startTarget,
  type Answer,
  type LoginBody,
  type Target,
} from './harness.js';

/**
 * Session attacks against a real `bulwark serve` (CONTRACT §3 refresh tokens, §4 auth routes):
 * token confusion between access and refresh tokens, refresh reuse, and every way a session ends
 * (logout, admin revocation of one session or all of a user's, disabling the user, a password
 * change). Each case checks both halves of the pair afterwards.
 */

let target: Target;
let admin: string;
/** A short reuse window, so a real process shows both sides of it within a test. */
const REUSE_WINDOW_SECONDS = 2;
const pastTheWindow = () => sleep(REUSE_WINDOW_SECONDS * 1000 + 200);

before(async () => {
  target = await startTarget({ ...GENEROUS_LIMITS, BULWARK_REFRESH_REUSE_WINDOW: String(REUSE_WINDOW_SECONDS) });
  admin = (await target.login('alice')).access_token;
});
after(() => target.stop());

const me = (token: string): Promise<Answer> => send(target, 'GET', '/api/users/me', { token });
const refresh = (refreshToken: string): Promise<Answer> =>
  send(target, 'POST', '/api/users-sessions/refresh', { body: { refresh_token: refreshToken } });
const login = (username: string, password: string): Promise<Answer> =>
  send(target, 'POST', '/api/users-sessions', { body: { username, password } });

function assertInvalidGrant(answer: Answer, label: string): void {
  assert.equal(answer.status, 401, `${label}: ${answer.text}`);
  assert.equal(answer.code, 'invalid_grant', label);
}

/** The access token stops (401 invalid_token) and so does the refresh token (401 invalid_grant). */
async function assertPairDead(pair: { access_token: string; refresh_token: string }, label: string): Promise<void> {
  assertRejected(await me(pair.access_token), 'invalid_token', `${label}: access token`);
  assertRejected(
    await send(target, 'GET', '/api/employees', { token: pair.access_token }),
    'invalid_token',
    `${label}: access token on payroll`,
  );
  assertInvalidGrant(await refresh(pair.refresh_token), `${label}: refresh token`);
}

async function assertPairAlive(pair: LoginBody, label: string): Promise<void> {
  assert.equal((await me(pair.access_token)).status, 200, `${label}: access token still works`);
}

let userCounter = 0;
/** A fresh user made through the admin API, so one case's revocations cannot touch another's. */
async function newUser(
  role: 'clerk' | 'employee' = 'clerk',
): Promise<{ id: string; username: string; password: string }> {
  const username = `victim${++userCounter}`;
  const password = `correct horse battery ${userCounter} staple`;
  const created = await send(target, 'POST', '/api/users', { token: admin, body: { username, password, role } });
  assert.equal(created.status, 201, created.text);
  return { id: created.json<{ id: string }>().id, username, password };
}

async function loginAs(user: { username: string; password: string }): Promise<LoginBody> {
  const answer = await login(user.username, user.password);
  assert.equal(answer.status, 201, answer.text);
  return answer.json<LoginBody>();
}

describe('adversarial: access/refresh token confusion', () => {
  it('a refresh token used as the bearer access token is 401 invalid_token', async () => {
    const pair = await target.login('carol');
    assertRejected(await me(pair.refresh_token), 'invalid_token', 'refresh as bearer');
    assertRejected(
      await send(target, 'GET', '/api/employees', { token: pair.refresh_token }),
      'invalid_token',
      'refresh as bearer on payroll',
    );
    assert.equal((await refresh(pair.refresh_token)).status, 200, 'and the refresh token itself was not spent by it');
  });

  it('an access token posted as refresh_token is 401 invalid_grant (body and cookie)', async () => {
    const pair = await target.login('carol');
    assertInvalidGrant(await refresh(pair.access_token), 'access token in the body');
    const cookie = await send(target, 'POST', '/api/users-sessions/refresh', {
      headers: { cookie: `bulwark_refresh=${pair.access_token}` },
    });
    assertInvalidGrant(cookie, 'access token in the cookie');
    assert.equal((await me(pair.access_token)).status, 200, 'the session is untouched');
  });

  it('an unknown refresh token of the right shape and a truncated one answer exactly like the access token', async () => {
    const pair = await target.login('carol');
    const answers = [
      await refresh(pair.access_token),
      await refresh(`brt_${'A'.repeat(43)}`),
      await refresh(pair.refresh_token.slice(0, -1)),
      await refresh(`${pair.refresh_token}A`),
    ];
    for (const answer of answers) assertInvalidGrant(answer, 'invalid refresh token');
    assert.equal(new Set(answers.map((a) => a.text)).size, 1, 'one body for every invalid refresh token');
  });

  it('the server is still healthy', () => target.assertHealthy());
});

describe('adversarial: refresh reuse detection', () => {
  it('replaying a used refresh token revokes the whole session: the new pair stops too', async () => {
    const first = await target.login('carol');
    const rotated = await refresh(first.refresh_token);
    assert.equal(rotated.status, 200);
    const second = rotated.json<LoginBody>();
    assert.equal(second.session_id, first.session_id);
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.equal((await me(second.access_token)).status, 200, 'precondition: the rotated pair works');

    // Within the reuse window a replay (a second tab, a retry) answers the same successor.
    const retried = await refresh(first.refresh_token);
    assert.equal(retried.status, 200, retried.text);
    assert.equal(retried.json<LoginBody>().refresh_token, second.refresh_token);

    await pastTheWindow();
    assertInvalidGrant(await refresh(first.refresh_token), 'the replay');
    await assertPairDead(second, 'after reuse, the new pair');
    assertRejected(await me(first.access_token), 'invalid_token', 'after reuse, the first access token');

    const sessions = await send(
      target,
      'GET',
      `/api/sessions?user_id=${String(target.claimsOf(first.access_token).sub)}&limit=100`,
      { token: admin },
    );
    const session = sessions
      .json<{ items: Array<{ id: string; revoked_at: string | null; revoked_reason: string | null }> }>()
      .items.find((s) => s.id === first.session_id);
    assert.ok(session?.revoked_at, 'the session is marked revoked');
    assert.equal(session.revoked_reason, 'refresh_reuse');
  });

  it('20 concurrent refreshes with one token over real sockets: one successor for all, the session alive', async () => {
    const pair = await target.login('carol');
    const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(pair.refresh_token)));
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(20).fill(200),
      answers.map((a) => a.text).join('\n'),
    );
    const successors = new Set(answers.map((a) => a.json<LoginBody>().refresh_token));
    assert.equal(successors.size, 1, 'every racer got the same successor refresh token');
    const successor = answers[0]?.json<LoginBody>() as LoginBody;
    await assertPairAlive(successor, 'the successor pair');
    await pastTheWindow();
    assertInvalidGrant(await refresh(pair.refresh_token), 'a replay after the window');
    await assertPairDead(successor, 'the successor pair after that replay');
  });

  it('with the window off, exactly one of 20 concurrent refreshes wins and the race counts as reuse', async () => {
    const strict = await startTarget({ ...GENEROUS_LIMITS, BULWARK_REFRESH_REUSE_WINDOW: '0' });
    try {
      const pair = await strict.login('carol');
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          send(strict, 'POST', '/api/users-sessions/refresh', { body: { refresh_token: pair.refresh_token } }),
        ),
      );
      const winners = answers.filter((a) => a.status === 200);
      assert.equal(winners.length, 1, answers.map((a) => a.status).join(','));
      for (const answer of answers.filter((a) => a.status !== 200)) assertInvalidGrant(answer, 'a losing refresh');
      const winner = winners[0]?.json<LoginBody>() as LoginBody;
      assert.equal(
        (await send(strict, 'GET', '/api/users/me', { token: winner.access_token })).status,
        401,
        'the winning pair is revoked with its session',
      );
    } finally {
      await strict.stop();
    }
  });

  it('other sessions of the same user survive a reuse in one of them', async () => {
    const other = await target.login('carol');
    const victim = await target.login('carol');
    assert.equal((await refresh(victim.refresh_token)).status, 200);
    await pastTheWindow();
    assertInvalidGrant(await refresh(victim.refresh_token), 'the replay');
    await assertPairAlive(other, 'the other session');
    assert.equal((await refresh(other.refresh_token)).status, 200);
  });

  it('the server is still healthy', () => target.assertHealthy());
});

describe('adversarial: every way a session ends', () => {
  it('logout (DELETE /api/users-sessions/current): the pair stops, a second logout is 401', async () => {
    const pair = await target.login('bob');
    const other = await target.login('bob');
    assert.equal(
      (await send(target, 'DELETE', '/api/users-sessions/current', { token: pair.access_token })).status,
      204,
    );
    await assertPairDead(pair, 'logged out');
    assertRejected(
      await send(target, 'DELETE', '/api/users-sessions/current', { token: pair.access_token }),
      'invalid_token',
      'second logout',
    );
    await assertPairAlive(other, 'another session of bob');
  });

  it("admin DELETE /api/sessions/{id}: that session stops, the user's other session does not", async () => {
    const user = await newUser();
    const pair = await loginAs(user);
    const other = await loginAs(user);
    assert.equal((await send(target, 'DELETE', `/api/sessions/${pair.session_id}`, { token: admin })).status, 204);
    await assertPairDead(pair, 'session revoked by admin');
    await assertPairAlive(other, 'the other session');
    const unknown = await send(target, 'DELETE', '/api/sessions/no-such-session', { token: admin });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.code, 'not_found');
  });

  it('admin DELETE /api/users/{id}/sessions: every session of the user stops; a new login works', async () => {
    const user = await newUser('employee');
    const pairs = [await loginAs(user), await loginAs(user), await loginAs(user)];
    assert.equal((await send(target, 'DELETE', `/api/users/${user.id}/sessions`, { token: admin })).status, 204);
    for (const [i, pair] of pairs.entries()) await assertPairDead(pair, `session ${i + 1}`);
    await assertPairAlive(await loginAs(user), 'a login after the revocation');
    const unknown = await send(target, 'DELETE', '/api/users/no-such-user/sessions', { token: admin });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.code, 'not_found');
  });

  it('PATCH /api/users/{id} {disabled:true}: tokens stop, the right password is 401 invalid_credentials like a wrong one', async () => {
    const user = await newUser();
    const pair = await loginAs(user);
    const patched = await send(target, 'PATCH', `/api/users/${user.id}`, { token: admin, body: { disabled: true } });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.json<{ disabled: boolean }>().disabled, true);
    await assertPairDead(pair, 'disabled user');
    const right = await login(user.username, user.password);
    const wrong = await login(user.username, 'not the password at all');
    const unknown = await login('nobody-at-all', user.password);
    for (const answer of [right, wrong, unknown]) {
      assert.equal(answer.status, 401, answer.text);
      assert.equal(answer.code, 'invalid_credentials');
    }
    assert.equal(right.text, unknown.text, 'a disabled user cannot be told from an unknown one');
    assert.equal(right.text, wrong.text);

    // Enabling again lets a new login in; the old pair stays dead.
    assert.equal(
      (await send(target, 'PATCH', `/api/users/${user.id}`, { token: admin, body: { disabled: false } })).status,
      200,
    );
    await assertPairAlive(await loginAs(user), 'a login after re-enabling');
    await assertPairDead(pair, 'the pair from before the disabling');
  });

  it('PUT /api/users/me/password: the other sessions stop, this one and the new password work, the old one does not', async () => {
    const user = await newUser();
    const current = await loginAs(user);
    const other = await loginAs(user);
    const newPassword = 'an entirely new passphrase 42';
    const changed = await send(target, 'PUT', '/api/users/me/password', {
      token: current.access_token,
      body: { current_password: user.password, new_password: newPassword },
    });
    assert.equal(changed.status, 204, changed.text);
    await assertPairDead(other, 'the other session');
    await assertPairAlive(current, 'the session that changed it');
    assert.equal((await refresh(current.refresh_token)).status, 200, 'its refresh token too');
    const old = await login(user.username, user.password);
    assert.equal(old.status, 401);
    assert.equal(old.code, 'invalid_credentials');
    await loginAs({ username: user.username, password: newPassword });
  });

  it('PATCH /api/users/{id} {role}: a role change ends the sessions that carry the old role', async () => {
    const user = await newUser('clerk');
    const pair = await loginAs(user);
    assert.equal(target.claimsOf(pair.access_token).role, 'clerk');
    const patched = await send(target, 'PATCH', `/api/users/${user.id}`, { token: admin, body: { role: 'employee' } });
    assert.equal(patched.status, 200, patched.text);
    await assertPairDead(pair, 'the clerk session after the role change');
    assert.equal(target.claimsOf((await loginAs(user)).access_token).role, 'employee');
  });

  it('revocation is by session and by user, not only by jti: re-signed tokens of a dead session stay dead', async () => {
    const user = await newUser();
    const pair = await loginAs(user);
    assert.equal(
      (await send(target, 'DELETE', '/api/users-sessions/current', { token: pair.access_token })).status,
      204,
    );
    // Even with the signing key: a new jti and a fresh iat in the revoked session.
    const now = Math.floor(Date.now() / 1000);
    const resigned = target.forge({
      ...target.claimsOf(pair.access_token),
      jti: `fresh-${now}`,
      iat: now,
      exp: now + 600,
    });
    assertRejected(await me(resigned), 'invalid_token', 'a fresh token of the logged-out session');

    const other = await loginAs(user);
    assert.equal((await send(target, 'DELETE', `/api/users/${user.id}/sessions`, { token: admin })).status, 204);
    const claims = target.claimsOf(other.access_token);
    const resignedOther = target.forge({ ...claims, jti: `again-${now}`, iat: now, exp: now + 600 });
    assertRejected(
      await me(resignedOther),
      'invalid_token',
      'a fresh token of a session the user-wide revocation ended',
    );
    // A session the store never held is refused by the user event, whose cut-off runs the clock
    // skew (30 s by default) behind the revocation so that a login right after it works on every
    // instance (contract §12.4): a token issued before that cut-off is refused.
    const earlier = target.forge({
      ...claims,
      jti: `earlier-${now}`,
      sid: 'some-other-session',
      iat: Number(claims.iat) - 30 - 5,
    });
    assertRejected(await me(earlier), 'invalid_token', 'a token of the user issued before the user-wide cut-off');
  });

  it('password change with a wrong current password is refused and revokes nothing', async () => {
    const user = await newUser();
    const current = await loginAs(user);
    const other = await loginAs(user);
    const refused = await send(target, 'PUT', '/api/users/me/password', {
      token: current.access_token,
      body: { current_password: 'guess guess guess', new_password: 'an entirely new passphrase 43' },
    });
    assert.equal(refused.status, 401, refused.text);
    assert.equal(refused.code, 'invalid_credentials');
    await assertPairAlive(other, 'the other session');
    await loginAs(user);
  });

  it('the server is still healthy', () => target.assertHealthy());
});
