import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import { InvalidTokenError, JwksFetchError } from '../../src/errors.js';
import type { RemoteJwksSource } from '../../src/jwks/remote-jwks.js';
import { assertRejected, keys, token, verifier } from '../helpers.js';
import {
  clock,
  jwksOf,
  serveJwks,
  serveStatus,
  sourceFor,
  startJwksServer,
  until,
  type JwksServer,
} from './jwks-server.js';

const COOLDOWN = 30_000;
const servers: JwksServer[] = [];
const sources: RemoteJwksSource[] = [];

async function setup(document = jwksOf('ES256'), headers: Record<string, string> = {}) {
  const server = await startJwksServer(serveJwks(document, headers));
  servers.push(server);
  const time = clock();
  const errors: JwksFetchError[] = [];
  const source = sourceFor(server, sources, { now: time.now, onError: (e) => errors.push(e) });
  await source.ready();
  return {
    server,
    time,
    source,
    errors,
    v: verifier({ keys: source, algorithms: ['ES256', 'EdDSA', 'RS256', 'PS256'] }),
  };
}

/** An ES256 + EdDSA source, a caching verifier on it that holds an ES256 token, and the kids removed from it. */
async function withCachedToken() {
  const context = await setup(jwksOf('ES256', 'EdDSA'));
  const removed: string[] = [];
  context.source.onRemove((kid) => removed.push(kid));
  const cached = verifier({ keys: context.source, cache: true });
  const jwt = token(keys().ES256);
  assert.equal(cached.verify(jwt).sub, 'usr_7f3a');
  assert.equal(cached.verify(jwt).sub, 'usr_7f3a'); // now a cache hit
  return { ...context, removed, cached, jwt };
}

afterEach(async () => {
  for (const source of sources.splice(0)) source.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('remote JWKS source: fetching and caching', () => {
  it('fetches once at creation, then verifies synchronously from memory', async () => {
    const { server, source, time, v } = await setup(jwksOf('ES256', 'EdDSA'));
    assert.equal(v.verify(token(keys().ES256)).sub, 'usr_7f3a');
    assert.equal(v.verify(token(keys().EdDSA)).sub, 'usr_7f3a');
    assert.equal(server.requests, 1);
    assert.deepEqual(source.kids().sort(), [keys().ES256.kid, keys().EdDSA.kid].sort());
    assert.equal(source.lastFetchAt, time.now());
    assert.equal(source.lastError, undefined);
    await source.ready(); // resolved again without another fetch
    assert.equal(server.requests, 1);
  });

  it('honours Cache-Control max-age, clamped to [30 s, 24 h], else cacheMaxAgeMs', async () => {
    const server = await startJwksServer();
    servers.push(server);
    const time = clock();
    const source = sourceFor(server, sources, { now: time.now, cacheMaxAgeMs: 600_000 });
    await source.ready();
    const cases: Array<[Record<string, string>, number]> = [
      [{ 'cache-control': 'public, max-age=120' }, 120_000],
      [{ 'cache-control': 'max-age=5' }, 30_000],
      [{ 'cache-control': 'max-age=999999999' }, 86_400_000],
      [{ 'cache-control': 's-maxage=90, no-cache' }, 600_000],
      [{}, 600_000],
    ];
    for (const [headers, expected] of cases) {
      server.handle = serveJwks(jwksOf('ES256'), headers);
      time.advance(COOLDOWN);
      assert.equal(await source.refreshForUnknownKid('not-there'), true);
      assert.equal(source.nextRefreshAt, time.now() + expected, JSON.stringify(headers));
    }
  });

  it('refreshes in the background when the key set lapses, and not before', async () => {
    const fast = await startJwksServer();
    const slow = await startJwksServer(serveJwks(jwksOf('ES256'), { 'cache-control': 'max-age=60' }));
    servers.push(fast, slow);
    const withoutMaxAge = sourceFor(fast, sources, { cacheMaxAgeMs: 100 });
    const withMaxAge = sourceFor(slow, sources, { cacheMaxAgeMs: 100 });
    await Promise.all([withoutMaxAge.ready(), withMaxAge.ready()]);
    assert.ok(await until(() => fast.requests >= 3), `expected background refreshes, got ${fast.requests}`);
    assert.equal(slow.requests, 1, 'max-age=60 overrides the 100 ms fallback');
  });

  it('picks up a rotated-in kid via verifyAsync after one refetch, once the cooldown allows', async () => {
    const { server, time, v } = await setup();
    const jwt = token(keys().EdDSA);
    assertRejected(v, jwt, 'unknown_kid');
    server.handle = serveJwks(jwksOf('ES256', 'EdDSA'));
    // Within the cooldown of the initial fetch: no refetch, still unknown.
    await assert.rejects(v.verifyAsync(jwt), (e) => e instanceof InvalidTokenError && e.reason === 'unknown_kid');
    assert.equal(server.requests, 1);
    time.advance(COOLDOWN);
    assert.equal((await v.verifyAsync(jwt)).sub, 'usr_7f3a');
    assert.equal(server.requests, 2);
    assert.equal((await v.verifyAsync(jwt)).sub, 'usr_7f3a');
    assert.equal(server.requests, 2, 'a known kid never fetches');
  });

  it('1,000 concurrent random kids cause at most one fetch per cooldown, all rejected unknown_kid', async () => {
    const { server, time, v } = await setup();
    const randomKidTokens = () => Array.from({ length: 1000 }, () => token(keys().ES256, { kid: randomUUID() }));
    time.advance(COOLDOWN);
    const burst = async () => {
      const results = await Promise.allSettled(randomKidTokens().map((jwt) => v.verifyAsync(jwt)));
      for (const r of results) {
        assert.ok(
          r.status === 'rejected' && r.reason instanceof InvalidTokenError && r.reason.reason === 'unknown_kid',
        );
      }
    };
    await burst();
    assert.equal(server.requests, 2, 'one shared fetch for the whole burst');
    await burst();
    assert.equal(server.requests, 2, 'no fetch within the cooldown');
    time.advance(COOLDOWN - 1);
    await burst();
    assert.equal(server.requests, 2);
    time.advance(1);
    await burst();
    assert.equal(server.requests, 3, 'one more fetch once the cooldown has passed');
  });

  it('keeps serving the last good keys when the server answers 500 or goes down', async () => {
    const { server, time, source, errors, v } = await setup();
    const jwt = token(keys().ES256);
    server.handle = serveStatus(500);
    time.advance(COOLDOWN);
    assert.equal(await source.refreshForUnknownKid('x'), false);
    assert.equal(server.requests, 2);
    assert.ok(source.lastError instanceof JwksFetchError);
    assert.equal(source.lastError.code, 'jwks_unavailable');
    assert.match(source.lastError.message, /HTTP 500/);
    assert.equal(errors.length, 1);
    assert.equal(v.verify(jwt).sub, 'usr_7f3a');
    assert.equal(source.nextRefreshAt, time.now() + COOLDOWN, 'retries after the cooldown');

    await server.close();
    time.advance(COOLDOWN);
    assert.equal(await source.refreshForUnknownKid('x'), false);
    assert.match(source.lastError?.message ?? '', /request failed: (ECONNREFUSED|UND_ERR_SOCKET|ECONNRESET)$/);
    assert.equal((await v.verifyAsync(jwt)).sub, 'usr_7f3a');
    assert.deepEqual(source.kids(), [keys().ES256.kid]);
  });

  it('ready() rejects with a clear error when the first fetch fails, and the source retries after the cooldown', async () => {
    const server = await startJwksServer(serveStatus(503));
    servers.push(server);
    const source = sourceFor(server, sources, { cooldownMs: 100 });
    await assert.rejects(
      source.ready(),
      (e) =>
        e instanceof JwksFetchError &&
        /^JWKS http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\.json: HTTP 503$/.test(e.message),
    );
    server.handle = serveJwks(jwksOf('ES256'));
    assert.ok(await until(() => source.kids().length === 1), 'retried after the cooldown');
    await source.ready();
    assert.equal(source.lastError, undefined);
  });

  it('tells onRemove listeners of a kid gone from the JWKS, so a cached verifier stops accepting its tokens', async () => {
    const { server, time, source, removed, cached, jwt } = await withCachedToken();
    server.handle = serveJwks(jwksOf('EdDSA'));
    time.advance(COOLDOWN);
    assert.equal(await source.refreshForUnknownKid('x'), true);
    assert.deepEqual(removed, [keys().ES256.kid]);
    assertRejected(cached, jwt, 'unknown_kid');
    assert.equal(cached.verify(token(keys().EdDSA)).sub, 'usr_7f3a');
  });

  it('distrust() drops a kid at once (cached tokens included) and for good, whatever later fetches say', async () => {
    const { server, time, source, removed, cached, jwt } = await withCachedToken();
    source.distrust([keys().ES256.kid, 'never-seen']);
    assert.deepEqual(removed, [keys().ES256.kid]);
    assertRejected(cached, jwt, 'unknown_kid');
    assert.equal(server.requests, 1, 'no fetch needed');
    time.advance(COOLDOWN);
    assert.equal(await source.refreshForUnknownKid(keys().ES256.kid), true);
    assert.equal(server.requests, 2);
    assert.deepEqual(source.kids(), [keys().EdDSA.kid], 'the JWKS still lists it; it stays out');
    assertRejected(cached, jwt, 'unknown_kid');
    assert.equal(cached.verify(token(keys().EdDSA)).sub, 'usr_7f3a');
  });

  it('stops fetching once closed', async () => {
    const { server, time, source } = await setup();
    source.close();
    time.advance(COOLDOWN);
    assert.equal(await source.refreshForUnknownKid('x'), false);
    assert.equal(server.requests, 1);
    assert.equal(source.nextRefreshAt, undefined);
    assert.deepEqual(source.kids(), [keys().ES256.kid], 'keys already held stay readable');
  });
});
