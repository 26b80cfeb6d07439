import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { BulwarkNetworkError, BulwarkProblemError, createBulwarkClient, type BulwarkClient } from '@bulwark/client';
import { createCookieJar, type CookieJar } from './support/cookie-jar-fetch.js';
import { ALICE, ALICE_PASSWORD, startFakeServer, type FakeServer } from './support/fake-server.js';

let server: FakeServer;
let jar: CookieJar;
const clients: BulwarkClient[] = [];

function newClient(options: { channelName?: string; fetch?: typeof fetch } = {}): BulwarkClient {
  // A channel name of its own per client: these tests are about one tab.
  const client = createBulwarkClient({ baseUrl: server.baseUrl, fetch: jar.fetch, channelName: `solo-${clients.length}`, ...options });
  clients.push(client);
  return client;
}

before(async () => {
  server = await startFakeServer();
});
after(async () => {
  for (const client of clients) client.close();
  await server.close();
});
beforeEach(() => {
  jar = createCookieJar();
  server.calls.length = 0;
  server.refreshDelayMs = 0;
});

describe('signIn', () => {
  it('asks for cookie delivery, loads the user, and keeps the token out of every reachable place', async () => {
    const client = newClient();
    const signins: unknown[] = [];
    client.on('signin', (user) => signins.push(user));

    const user = await client.signIn('alice', ALICE_PASSWORD);

    assert.deepEqual(user, ALICE);
    assert.deepEqual(client.user, ALICE);
    assert.deepEqual(signins, [ALICE]);
    const login = server.calls.find((c) => c.path === '/api/users-sessions');
    assert.deepEqual(login?.body, { username: 'alice', password: ALICE_PASSWORD, refresh_delivery: 'cookie' });
    assert.ok(jar.cookies.has('bulwark_refresh'), 'the server set the refresh cookie');
    const me = server.calls.find((c) => c.path === '/api/users/me');
    const token = server.issuedAccessTokens.at(-1)!;
    assert.equal(me?.authorization, `Bearer ${token}`);

    const reachable = [JSON.stringify(client), ...Object.keys(client), ...Object.getOwnPropertyNames(client), ...Object.values(client).map(String)].join('\n');
    assert.ok(!reachable.includes(token), 'no access token on the client object');
    assert.ok(!reachable.includes(jar.cookies.get('bulwark_refresh')!.value), 'no refresh token on the client object');
    assert.equal((globalThis as { localStorage?: unknown }).localStorage, undefined);
  });

  it('throws a typed problem for wrong credentials and stays signed out', async () => {
    const client = newClient();
    const error = await client.signIn('alice', 'wrong').catch((e: unknown) => e);
    assert.ok(error instanceof BulwarkProblemError);
    assert.equal(error.status, 401);
    assert.equal(error.code, 'invalid_credentials');
    assert.equal(error.title, 'Invalid credentials');
    assert.equal(error.type, 'https://bulwark.dev/problems/invalid_credentials');
    assert.equal(client.user, null);
    await client.fetch('/api/payments');
    assert.equal(server.calls.at(-1)?.authorization, undefined);
  });

  it('carries Retry-After into the problem when throttled', async () => {
    const error = await newClient().signIn('throttled', 'x').catch((e: unknown) => e);
    assert.ok(error instanceof BulwarkProblemError);
    assert.equal(error.status, 429);
    assert.equal(error.code, 'too_many_requests');
    assert.equal(error.retryAfter, 7);
  });
});

describe('requests', () => {
  it('adds the bearer token, sends JSON and a query, reads JSON and 204', async () => {
    const client = newClient();
    await client.signIn('alice', ALICE_PASSWORD);
    const token = server.issuedAccessTokens.at(-1)!;

    const list = await client.request<{ limit: number; status: string }>('GET', '/api/payments', { query: { limit: 20, status: 'pending', cursor: undefined } });
    assert.deepEqual(list, { items: [], limit: 20, status: 'pending' });
    assert.equal(server.calls.at(-1)?.authorization, `Bearer ${token}`);

    const created = await client.request('POST', '/api/payments', { body: { amount_cents: 1200 } });
    assert.deepEqual(created, { id: 'p-1', amount_cents: 1200 });
    assert.deepEqual(server.calls.at(-1)?.body, { amount_cents: 1200 });

    assert.equal(await client.request('DELETE', '/api/payments/p-1'), undefined);
    const raw = await client.fetch('/api/payments?limit=3');
    assert.equal(raw.status, 200);
    assert.equal(server.calls.at(-1)?.authorization, `Bearer ${token}`);
    assert.equal(server.calls.some((c) => c.path.startsWith('/api/payments') && c.cookie !== undefined), false, 'the refresh cookie stays on its path');
  });

  it('turns problem+json and non-JSON failures into BulwarkProblemError', async () => {
    const client = newClient();
    await client.signIn('alice', ALICE_PASSWORD);
    const conflict = await client.request('GET', '/api/conflict').catch((e: unknown) => e);
    assert.ok(conflict instanceof BulwarkProblemError);
    assert.deepEqual(
      { status: conflict.status, code: conflict.code, title: conflict.title, detail: conflict.detail, type: conflict.type, retryAfter: conflict.retryAfter, message: conflict.message },
      { status: 409, code: 'conflict', title: 'Conflict', detail: 'The payment was already approved.', type: 'https://bulwark.dev/problems/conflict', retryAfter: undefined, message: 'The payment was already approved.' },
    );
    const gateway = await client.request('GET', '/api/bad-gateway').catch((e: unknown) => e);
    assert.ok(gateway instanceof BulwarkProblemError);
    assert.equal(gateway.status, 502);
    assert.equal(gateway.code, 'http_error');
  });

  it('surfaces an unreachable server as BulwarkNetworkError (a BulwarkProblemError with status 0)', async () => {
    const client = newClient({ fetch: async () => Promise.reject(new TypeError('fetch failed')) });
    const error = await client.request('GET', '/api/payments').catch((e: unknown) => e);
    assert.ok(error instanceof BulwarkNetworkError);
    assert.ok(error instanceof BulwarkProblemError);
    assert.equal(error.status, 0);
    assert.equal(error.code, 'network_error');
    assert.ok(error.cause instanceof TypeError);
    const restoring = await client.restore().catch((e: unknown) => e);
    assert.ok(restoring instanceof BulwarkNetworkError, 'restore reports the network, it does not pretend signed out');
  });

  it('on token_expired refreshes once through the cookie and retries once', async () => {
    const client = newClient();
    await client.signIn('alice', ALICE_PASSWORD);
    const refreshes: unknown[] = [];
    client.on('refresh', (user) => refreshes.push(user));
    const first = server.issuedAccessTokens.at(-1)!;
    server.expireAccessTokens();
    server.calls.length = 0;

    const list = await client.request<{ limit: number }>('GET', '/api/payments');

    assert.equal(list.limit, 50);
    const second = server.issuedAccessTokens.at(-1)!;
    assert.notEqual(second, first);
    assert.deepEqual(server.calls.map((c) => `${c.method} ${c.path} ${c.authorization ?? '-'}`), [
      `GET /api/payments Bearer ${first}`,
      'POST /api/users-sessions/refresh -',
      `GET /api/payments Bearer ${second}`,
    ]);
    assert.match(server.calls[1]!.cookie ?? '', /^bulwark_refresh=rt-/);
    assert.deepEqual(refreshes, [ALICE]);
  });

  it('20 concurrent requests that all meet token_expired cause exactly one refresh', async () => {
    const client = newClient();
    await client.signIn('alice', ALICE_PASSWORD);
    server.expireAccessTokens();
    server.refreshDelayMs = 30;
    server.calls.length = 0;

    const answers = await Promise.all(Array.from({ length: 20 }, () => client.fetch('/api/payments')));

    assert.deepEqual(answers.map((r) => r.status), Array(20).fill(200));
    assert.equal(server.count('POST', '/api/users-sessions/refresh'), 1);
    assert.equal(server.count('GET', '/api/payments'), 40, 'each request: the expired try and one retry');
    const fresh = server.issuedAccessTokens.at(-1)!;
    assert.equal(server.calls.filter((c) => c.authorization === `Bearer ${fresh}`).length, 20);
  });

  it('a token the server calls invalid_token signs the tab out', async () => {
    const client = newClient();
    await client.signIn('alice', ALICE_PASSWORD);
    const signouts: unknown[] = [];
    client.on('signout', (user) => signouts.push(user));
    server.revokeAccessTokens();
    const res = await client.fetch('/api/payments');
    assert.equal(res.status, 401);
    assert.equal(server.count('POST', '/api/users-sessions/refresh'), 0);
    assert.equal(client.user, null);
    assert.deepEqual(signouts, [null]);
  });
});

describe('signOut and restore', () => {
  it('signOut deletes the session, forgets the token, and later requests go unauthenticated', async () => {
    const client = newClient();
    await client.signIn('alice', ALICE_PASSWORD);
    const token = server.issuedAccessTokens.at(-1)!;
    const signouts: unknown[] = [];
    const off = client.on('signout', (user) => signouts.push(user));

    await client.signOut();

    const logout = server.calls.find((c) => c.method === 'DELETE' && c.path === '/api/users-sessions/current');
    assert.equal(logout?.authorization, `Bearer ${token}`);
    assert.equal(jar.cookies.has('bulwark_refresh'), false, 'the server cleared the cookie');
    assert.equal(client.user, null);
    assert.deepEqual(signouts, [null]);
    await client.fetch('/api/payments');
    assert.equal(server.calls.at(-1)?.authorization, undefined);
    const error = await client.request('GET', '/api/payments').catch((e: unknown) => e);
    assert.ok(error instanceof BulwarkProblemError);
    assert.equal(error.code, 'invalid_token');
    off();
    assert.equal(await newClient().restore(), null, 'the session is gone for a new page too');
  });

  it('restore with no cookie resolves to null without an error or an event', async () => {
    const client = newClient();
    let events = 0;
    client.on('signin', () => events++);
    client.on('signout', () => events++);
    assert.equal(await client.restore(), null);
    assert.equal(client.user, null);
    assert.equal(events, 0);
    assert.equal(server.count('POST', '/api/users-sessions/refresh'), 1);
  });

  it('restore on a new page signs in silently through the cookie', async () => {
    await newClient().signIn('alice', ALICE_PASSWORD);
    const page = newClient();
    const signins: unknown[] = [];
    page.on('signin', (user) => signins.push(user));
    server.calls.length = 0;

    assert.deepEqual(await page.restore(), ALICE);

    assert.deepEqual(page.user, ALICE);
    assert.deepEqual(signins, [ALICE]);
    const fresh = server.issuedAccessTokens.at(-1)!;
    assert.deepEqual(server.calls.map((c) => `${c.method} ${c.path} ${c.authorization ?? '-'}`), [
      'POST /api/users-sessions/refresh -',
      `GET /api/users/me Bearer ${fresh}`,
    ]);
    assert.ok(!JSON.stringify(page).includes(fresh));
  });

  it('signOut in a page that never restored still ends the session held by the cookie', async () => {
    await newClient().signIn('alice', ALICE_PASSWORD);
    await newClient().signOut();
    assert.equal(server.count('DELETE', '/api/users-sessions/current'), 1);
    assert.equal(jar.cookies.has('bulwark_refresh'), false);
  });
});
