import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BulwarkNetworkError, BulwarkProblemError } from '@bulwark/client';
import { ALICE, ALICE_PASSWORD, ALICE_SCOPE } from './support/fake-server.js';
import { useOneTabHarness } from './support/one-tab.js';

const h = useOneTabHarness();

describe('signIn', () => {
  it('asks for cookie delivery, loads the user, and keeps the token out of every reachable place', async () => {
    const client = h.newClient();
    const signins: unknown[] = [];
    client.on('signin', (user) => signins.push(user));

    const user = await client.signIn('alice', ALICE_PASSWORD);

    assert.deepEqual(user, ALICE);
    assert.deepEqual(client.user, ALICE);
    assert.deepEqual(signins, [ALICE]);
    assert.deepEqual(client.scope, ALICE_SCOPE.split(' '), "the token answer's scope");
    const login = h.server.calls.find((c) => c.path === '/api/users-sessions');
    assert.deepEqual(login?.body, { username: 'alice', password: ALICE_PASSWORD, refresh_delivery: 'cookie' });
    assert.ok(h.jar.cookies.has('bulwark_refresh'), 'the server set the refresh cookie');
    const me = h.server.calls.find((c) => c.path === '/api/users/me');
    const token = h.server.issuedAccessTokens.at(-1)!;
    assert.equal(me?.authorization, `Bearer ${token}`);

    const reachable = [
      JSON.stringify(client),
      ...Object.keys(client),
      ...Object.getOwnPropertyNames(client),
      ...Object.values(client).map(String),
    ].join('\n');
    assert.ok(!reachable.includes(token), 'no access token on the client object');
    assert.ok(
      !reachable.includes(h.jar.cookies.get('bulwark_refresh')!.value),
      'no refresh token on the client object',
    );
    assert.equal((globalThis as { localStorage?: unknown }).localStorage, undefined);
  });

  it('throws a typed problem for wrong credentials and stays signed out', async () => {
    const client = h.newClient();
    const error = await client.signIn('alice', 'wrong').catch((e: unknown) => e);
    assert.ok(error instanceof BulwarkProblemError);
    assert.equal(error.status, 401);
    assert.equal(error.code, 'invalid_credentials');
    assert.equal(error.title, 'Invalid credentials');
    assert.equal(error.type, 'https://bulwark.dev/problems/invalid_credentials');
    assert.equal(client.user, null);
    await client.fetch('/api/payments');
    assert.equal(h.server.calls.at(-1)?.authorization, undefined);
  });

  it('carries Retry-After into the problem when throttled', async () => {
    const error = await h
      .newClient()
      .signIn('throttled', 'x')
      .catch((e: unknown) => e);
    assert.ok(error instanceof BulwarkProblemError);
    assert.equal(error.status, 429);
    assert.equal(error.code, 'too_many_requests');
    assert.equal(error.retryAfter, 7);
  });
});

describe('requests', () => {
  it('adds the bearer token, sends JSON and a query, reads JSON and 204', async () => {
    const client = h.newClient();
    await client.signIn('alice', ALICE_PASSWORD);
    const token = h.server.issuedAccessTokens.at(-1)!;

    const list = await client.request<{ limit: number; status: string }>('GET', '/api/payments', {
      query: { limit: 20, status: 'pending', cursor: undefined },
    });
    assert.deepEqual(list, { items: [], limit: 20, status: 'pending' });
    assert.equal(h.server.calls.at(-1)?.authorization, `Bearer ${token}`);

    const created = await client.request('POST', '/api/payments', { body: { amount_cents: 1200 } });
    assert.deepEqual(created, { id: 'p-1', amount_cents: 1200 });
    assert.deepEqual(h.server.calls.at(-1)?.body, { amount_cents: 1200 });

    assert.equal(await client.request('DELETE', '/api/payments/p-1'), undefined);
    const raw = await client.fetch('/api/payments?limit=3');
    assert.equal(raw.status, 200);
    assert.equal(h.server.calls.at(-1)?.authorization, `Bearer ${token}`);
    assert.equal(
      h.server.calls.some((c) => c.path.startsWith('/api/payments') && c.cookie !== undefined),
      false,
      'the refresh cookie stays on its path',
    );
  });

  it('turns problem+json and non-JSON failures into BulwarkProblemError', async () => {
    const client = h.newClient();
    await client.signIn('alice', ALICE_PASSWORD);
    const conflict = await client.request('GET', '/api/conflict').catch((e: unknown) => e);
    assert.ok(conflict instanceof BulwarkProblemError);
    assert.deepEqual(
      {
        status: conflict.status,
        code: conflict.code,
        title: conflict.title,
        detail: conflict.detail,
        type: conflict.type,
        retryAfter: conflict.retryAfter,
        message: conflict.message,
      },
      {
        status: 409,
        code: 'conflict',
        title: 'Conflict',
        detail: 'The payment was already approved.',
        type: 'https://bulwark.dev/problems/conflict',
        retryAfter: undefined,
        message: 'The payment was already approved.',
      },
    );
    const gateway = await client.request('GET', '/api/bad-gateway').catch((e: unknown) => e);
    assert.ok(gateway instanceof BulwarkProblemError);
    assert.equal(gateway.status, 502);
    assert.equal(gateway.code, 'http_error');
  });

  it('surfaces an unreachable server as BulwarkNetworkError (a BulwarkProblemError with status 0)', async () => {
    const client = h.newClient({ fetch: async () => Promise.reject(new TypeError('fetch failed')) });
    const error = await client.request('GET', '/api/payments').catch((e: unknown) => e);
    assert.ok(error instanceof BulwarkNetworkError);
    assert.ok(error instanceof BulwarkProblemError);
    assert.equal(error.status, 0);
    assert.equal(error.code, 'network_error');
    assert.ok(error.cause instanceof TypeError);
    const restoring = await client.restore().catch((e: unknown) => e);
    assert.ok(restoring instanceof BulwarkNetworkError, 'restore reports the network, it does not pretend signed out');
  });

  it('an aborted request rejects with the AbortError, not a network error', async () => {
    const client = h.newClient();
    const abort = new AbortController();
    abort.abort();
    const error = await client.request('GET', '/api/payments', { signal: abort.signal }).catch((e: unknown) => e);
    assert.equal((error as Error).name, 'AbortError');
    assert.ok(!(error instanceof BulwarkProblemError));
  });
});
