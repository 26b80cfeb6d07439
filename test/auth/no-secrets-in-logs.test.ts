import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, createHarness, type Harness } from '../helpers/harness.js';

/**
 * Regression guard for the rule that never bends: whatever happens in a request, no password,
 * access token, refresh token or signature appears in any log line or audit detail.
 */
describe('no secret reaches the logs', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ BULWARK_LOG_LEVEL: 'trace' });
  });
  after(() => h.close());

  it('a full session with failures, errors and reuse leaves no secret in logs or audit', async () => {
    const password = 'Zebra-Quartz-Password-991';
    const wrongPassword = 'Wrong-Walrus-Password-117';
    const user = await h.addUser('mona', 'admin', password);
    const secrets: string[] = [password, wrongPassword];

    await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      payload: { username: 'mona', password: wrongPassword },
    });
    await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      payload: `{"username":"mona","password":"${password}"`,
      headers: { 'content-type': 'application/json' },
    });
    const pair = await h.login('mona', password);
    secrets.push(pair.access_token, pair.refresh_token, pair.access_token.split('.')[2] as string);
    const next = (
      await h.app.inject({
        method: 'POST',
        url: '/api/users-sessions/refresh',
        payload: { refresh_token: pair.refresh_token },
        cookies: { bulwark_refresh: pair.refresh_token },
      })
    ).json();
    secrets.push(next.access_token, next.refresh_token);
    await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/refresh',
      payload: { refresh_token: pair.refresh_token },
    });
    await h.app.inject({ url: '/api/users/me', headers: bearer(`${pair.access_token}x`) });
    await h.app.inject({ url: '/api/users', headers: bearer(next.access_token) });
    await h.app.inject({
      method: 'PUT',
      url: '/api/users/me/password',
      headers: bearer(next.access_token),
      payload: { current_password: wrongPassword, new_password: 'New-Password-Secret-55' },
    });
    secrets.push('New-Password-Secret-55');
    await h.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(next.access_token),
      payload: { username: 'nick', password: 'Nick-Secret-Passphrase-3', role: 'clerk' },
    });
    secrets.push('Nick-Secret-Passphrase-3');

    assert.ok(h.logs.length >= 9, `expected a line per request (9), got ${h.logs.length}`);
    const logText = h.logs.join('');
    const audit = JSON.stringify((await h.services.store.audit.list({}, { limit: 100 })).items);
    for (const secret of secrets) {
      assert.ok(!logText.includes(secret), `a log line contains a secret (${secret.slice(0, 6)}…)`);
      assert.ok(!audit.includes(secret), `an audit event contains a secret (${secret.slice(0, 6)}…)`);
    }
    assert.ok(!logText.includes('argon2id$'), 'no password hash in logs');
    assert.ok(audit.includes(user.id));
  });
});
