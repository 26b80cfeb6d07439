import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHarness, problemOf } from '../helpers/harness.js';

describe('database outage', () => {
  it('answers 503 service_unavailable (never a 500) while the database is gone, and /readyz says so', async () => {
    const h = await createHarness();
    try {
      await h.addUser('alice', 'admin');
      const pair = await h.login('alice', 'alice-Correct-Horse-42');
      await h.services.store.close();
      const login = await h.app.inject({
        method: 'POST',
        url: '/api/users-sessions',
        payload: { username: 'alice', password: 'alice-Correct-Horse-42' },
      });
      assert.equal(login.statusCode, 503);
      assert.equal(problemOf(login).code, 'service_unavailable');
      assert.equal(login.headers['retry-after'], '2', 'every 503 says when to retry');
      const me = await h.app.inject({
        url: '/api/users/me',
        headers: { authorization: `Bearer ${pair.access_token}` },
      });
      assert.equal(me.statusCode, 503);
      const ready = await h.app.inject({ url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      assert.equal(problemOf(ready).code, 'service_unavailable');
      assert.equal(ready.headers['retry-after'], '2');
      assert.equal((await h.app.inject({ url: '/healthz' })).statusCode, 200, 'alive, though not ready');
    } finally {
      await h.close();
    }
  });
});
