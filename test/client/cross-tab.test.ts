import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { createBulwarkClient, type BulwarkClient, type BulwarkEvent, type BulwarkUser } from '@bulwark/client';
import { createCookieJar, type CookieJar } from './support/cookie-jar-fetch.js';
import { ensureWebLocks } from './support/fake-locks.js';
import { ALICE, ALICE_PASSWORD, startFakeServer, type FakeServer } from './support/fake-server.js';

// Two "tabs": two clients in one process sharing a BroadcastChannel name and one cookie jar (one browser).
let server: FakeServer;
let jar: CookieJar;
let tabs: BulwarkClient[] = [];
let channel = 0;

function openTabs(): [BulwarkClient, BulwarkClient] {
  channel += 1;
  const open = (): BulwarkClient =>
    createBulwarkClient({ baseUrl: server.baseUrl, fetch: jar.fetch, channelName: `tabs-${channel}` });
  tabs = [open(), open()];
  return [tabs[0]!, tabs[1]!];
}

function nextEvent(tab: BulwarkClient, event: BulwarkEvent): Promise<BulwarkUser | null> {
  return new Promise((resolve) => {
    const off = tab.on(event, (user) => {
      off();
      resolve(user);
    });
  });
}

/** Hides navigator.locks (real on Node 22+) for the BroadcastChannel-only path; returns the undo. */
function withoutWebLocks(): () => void {
  const original = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  return () => {
    if (original) Object.defineProperty(globalThis, 'navigator', original);
    else delete (globalThis as { navigator?: unknown }).navigator;
  };
}

before(async () => {
  server = await startFakeServer();
});
after(() => server.close());
beforeEach(() => {
  jar = createCookieJar();
  server.calls.length = 0;
  server.refreshDelayMs = 0;
});
afterEach(() => {
  for (const tab of tabs) tab.close();
});

describe('across tabs through BroadcastChannel (no Web Locks)', () => {
  let undo: () => void;
  beforeEach(() => {
    undo = withoutWebLocks();
  });
  afterEach(() => undo());

  it('a sign-in, a refresh and a sign-out in one tab reach the other', async () => {
    const [a, b] = openTabs();

    const signedIn = nextEvent(b, 'signin');
    await a.signIn('alice', ALICE_PASSWORD);
    assert.deepEqual(await signedIn, ALICE);
    assert.deepEqual(b.user, ALICE);
    assert.deepEqual(b.scope, a.scope, 'the scope comes with the broadcast grant');
    assert.ok(b.scope.includes('payroll:write'));
    const first = server.issuedAccessTokens.at(-1)!;
    await b.fetch('/api/payments');
    assert.equal(server.calls.at(-1)?.authorization, `Bearer ${first}`, 'tab B uses the token tab A got');

    server.expireAccessTokens();
    const refreshed = nextEvent(b, 'refresh');
    assert.equal((await a.fetch('/api/payments')).status, 200);
    assert.deepEqual(await refreshed, ALICE);
    const second = server.issuedAccessTokens.at(-1)!;
    assert.equal((await b.fetch('/api/payments')).status, 200);
    assert.equal(server.calls.at(-1)?.authorization, `Bearer ${second}`);
    assert.equal(
      server.count('POST', '/api/users-sessions/refresh'),
      1,
      'tab B took the broadcast token, no refresh of its own',
    );

    const signedOut = nextEvent(b, 'signout');
    await a.signOut();
    assert.equal(await signedOut, null);
    assert.equal(b.user, null);
    assert.deepEqual([a.scope, b.scope], [[], []], 'signed out: no scope');
    await b.fetch('/api/payments');
    assert.equal(server.calls.at(-1)?.authorization, undefined, 'tab B forgot its token');
  });

  it('two tabs refreshing at once without locks both stay signed in (the server reuse window)', async () => {
    const [a, b] = openTabs();
    const signedIn = nextEvent(b, 'signin');
    await a.signIn('alice', ALICE_PASSWORD);
    await signedIn;
    server.expireAccessTokens();
    server.refreshDelayMs = 50;

    const answers = await Promise.all([a.fetch('/api/payments'), b.fetch('/api/payments')]);

    assert.deepEqual(
      answers.map((r) => r.status),
      [200, 200],
    );
    assert.equal(server.count('POST', '/api/users-sessions/refresh'), 2, 'without locks each tab refreshes once');
    assert.deepEqual([a.user, b.user], [ALICE, ALICE]);
  });

  it('a closed tab no longer listens', async () => {
    const [a, b] = openTabs();
    b.close();
    let heard = false;
    b.on('signin', () => (heard = true));
    await a.signIn('alice', ALICE_PASSWORD);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(heard, false);
    assert.equal(b.user, null);
  });
});

describe('across tabs with Web Locks', () => {
  let undo: () => void;
  beforeEach(() => {
    undo = ensureWebLocks();
  });
  afterEach(() => undo());

  it('two tabs meeting token_expired at once cause one refresh: the waiting tab takes the broadcast token', async () => {
    const [a, b] = openTabs();
    const signedIn = nextEvent(b, 'signin');
    await a.signIn('alice', ALICE_PASSWORD);
    await signedIn;
    server.expireAccessTokens();
    server.refreshDelayMs = 50;
    server.calls.length = 0;

    const answers = await Promise.all([
      a.fetch('/api/payments'),
      b.fetch('/api/payments'),
      a.fetch('/api/payments'),
      b.fetch('/api/payments'),
    ]);

    assert.deepEqual(
      answers.map((r) => r.status),
      [200, 200, 200, 200],
    );
    assert.equal(server.count('POST', '/api/users-sessions/refresh'), 1);
    const fresh = server.issuedAccessTokens.at(-1)!;
    assert.equal(server.calls.filter((c) => c.authorization === `Bearer ${fresh}`).length, 4);
  });

  it('restore in two tabs opened together refreshes once', async () => {
    await createBulwarkClient({ baseUrl: server.baseUrl, fetch: jar.fetch, channelName: 'login-page' }).signIn(
      'alice',
      ALICE_PASSWORD,
    );
    const [a, b] = openTabs();
    server.refreshDelayMs = 50;
    server.calls.length = 0;

    assert.deepEqual(await Promise.all([a.restore(), b.restore()]), [ALICE, ALICE]);
    assert.equal(server.count('POST', '/api/users-sessions/refresh'), 1);
  });
});
