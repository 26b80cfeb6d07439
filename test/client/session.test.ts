import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BulwarkProblemError } from '@bulwark/client';
import { ALICE, ALICE_PASSWORD } from './support/fake-server.js';
import { useOneTabHarness } from './support/one-tab.js';

const h = useOneTabHarness();

describe('signOut and restore', () => {
  it('signOut deletes the session, forgets the token, and later requests go unauthenticated', async () => {
    const client = h.newClient();
    await client.signIn('alice', ALICE_PASSWORD);
    const token = h.server.issuedAccessTokens.at(-1)!;
    const signouts: unknown[] = [];
    const off = client.on('signout', (user) => signouts.push(user));

    await client.signOut();

    const logout = h.server.calls.find((c) => c.method === 'DELETE' && c.path === '/api/users-sessions/current');
    assert.equal(logout?.authorization, `Bearer ${token}`);
    assert.equal(h.jar.cookies.has('bulwark_refresh'), false, 'the server cleared the cookie');
    assert.equal(client.user, null);
    assert.deepEqual(signouts, [null]);
    await client.fetch('/api/payments');
    assert.equal(h.server.calls.at(-1)?.authorization, undefined);
    const error = await client.request('GET', '/api/payments').catch((e: unknown) => e);
    assert.ok(error instanceof BulwarkProblemError);
    assert.equal(error.code, 'invalid_token');
    off();
    assert.equal(await h.newClient().restore(), null, 'the session is gone for a new page too');
  });

  it('restore with no cookie resolves to null without an error or an event', async () => {
    const client = h.newClient();
    let events = 0;
    client.on('signin', () => events++);
    client.on('signout', () => events++);
    assert.equal(await client.restore(), null);
    assert.equal(client.user, null);
    assert.equal(events, 0);
    assert.equal(h.server.count('POST', '/api/users-sessions/refresh'), 1);
  });

  it('restore on a new page signs in silently through the cookie', async () => {
    await h.newClient().signIn('alice', ALICE_PASSWORD);
    const page = h.newClient();
    const signins: unknown[] = [];
    page.on('signin', (user) => signins.push(user));
    h.server.calls.length = 0;

    assert.deepEqual(await page.restore(), ALICE);

    assert.deepEqual(page.user, ALICE);
    assert.deepEqual(signins, [ALICE]);
    const fresh = h.server.issuedAccessTokens.at(-1)!;
    assert.deepEqual(
      h.server.calls.map((c) => `${c.method} ${c.path} ${c.authorization ?? '-'}`),
      ['POST /api/users-sessions/refresh -', `GET /api/users/me Bearer ${fresh}`],
    );
    assert.ok(!JSON.stringify(page).includes(fresh));
  });

  it('signOut in a page that never restored still ends the session held by the cookie', async () => {
    await h.newClient().signIn('alice', ALICE_PASSWORD);
    await h.newClient().signOut();
    assert.equal(h.server.count('DELETE', '/api/users-sessions/current'), 1);
    assert.equal(h.jar.cookies.has('bulwark_refresh'), false);
  });
});
