import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALICE, ALICE_PASSWORD } from './support/fake-server.js';
import { useOneTabHarness } from './support/one-tab.js';

const h = useOneTabHarness();

describe('refresh', () => {
  it('on token_expired refreshes once through the cookie and retries once', async () => {
    const client = h.newClient();
    await client.signIn('alice', ALICE_PASSWORD);
    const refreshes: unknown[] = [];
    client.on('refresh', (user) => refreshes.push(user));
    const first = h.server.issuedAccessTokens.at(-1)!;
    h.server.expireAccessTokens();
    h.server.calls.length = 0;

    const list = await client.request<{ limit: number }>('GET', '/api/payments');

    assert.equal(list.limit, 50);
    const second = h.server.issuedAccessTokens.at(-1)!;
    assert.notEqual(second, first);
    assert.deepEqual(
      h.server.calls.map((c) => `${c.method} ${c.path} ${c.authorization ?? '-'}`),
      [`GET /api/payments Bearer ${first}`, 'POST /api/users-sessions/refresh -', `GET /api/payments Bearer ${second}`],
    );
    assert.match(h.server.calls[1]!.cookie ?? '', /^bulwark_refresh=rt-/);
    assert.deepEqual(refreshes, [ALICE]);
  });

  it('20 concurrent requests that all meet token_expired cause exactly one refresh', async () => {
    const client = h.newClient();
    await client.signIn('alice', ALICE_PASSWORD);
    h.server.expireAccessTokens();
    h.server.refreshDelayMs = 30;
    h.server.calls.length = 0;

    const answers = await Promise.all(Array.from({ length: 20 }, () => client.fetch('/api/payments')));

    assert.deepEqual(
      answers.map((r) => r.status),
      Array(20).fill(200),
    );
    assert.equal(h.server.count('POST', '/api/users-sessions/refresh'), 1);
    assert.equal(h.server.count('GET', '/api/payments'), 40, 'each request: the expired try and one retry');
    const fresh = h.server.issuedAccessTokens.at(-1)!;
    assert.equal(h.server.calls.filter((c) => c.authorization === `Bearer ${fresh}`).length, 20);
  });

  it('shortly before expiry refreshes first (once for concurrent requests) instead of meeting a 401', async () => {
    h.server.expiresIn = 1;
    const client = h.newClient();
    await client.signIn('alice', ALICE_PASSWORD);
    await new Promise((resolve) => setTimeout(resolve, 600)); // past half the one-second lifetime
    h.server.calls.length = 0;

    const answers = await Promise.all(Array.from({ length: 5 }, () => client.fetch('/api/payments')));

    assert.deepEqual(
      answers.map((r) => r.status),
      Array(5).fill(200),
    );
    const fresh = h.server.issuedAccessTokens.at(-1)!;
    assert.deepEqual(
      h.server.calls.map((c) => `${c.method} ${c.path} ${c.authorization ?? '-'}`),
      ['POST /api/users-sessions/refresh -', ...Array(5).fill(`GET /api/payments Bearer ${fresh}`)],
    );
  });

  it('a token the server calls invalid_token signs the tab out', async () => {
    const client = h.newClient();
    await client.signIn('alice', ALICE_PASSWORD);
    const signouts: unknown[] = [];
    client.on('signout', (user) => signouts.push(user));
    h.server.revokeAccessTokens();
    const res = await client.fetch('/api/payments');
    assert.equal(res.status, 401);
    assert.equal(h.server.count('POST', '/api/users-sessions/refresh'), 0);
    assert.equal(client.user, null);
    assert.deepEqual(signouts, [null]);
  });
});
