import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { JwksFetchError } from '../../src/errors.js';
import { createRemoteJwksSource, type RemoteJwksSource } from '../../src/jwks/remote-jwks.js';
import { keys, token, verifier } from '../helpers.js';
import {
  clock,
  hang,
  jwksOf,
  serveJwks,
  sourceFor,
  startJwksServer,
  type Handler,
  type JwksServer,
} from './jwks-server.js';

const servers: JwksServer[] = [];
const sources: RemoteJwksSource[] = [];

async function server(handle: Handler): Promise<JwksServer> {
  const s = await startJwksServer(handle);
  servers.push(s);
  return s;
}

/** The first fetch's failure message. */
async function firstFailure(handle: Handler, options: Parameters<typeof sourceFor>[2] = {}): Promise<string> {
  const source = sourceFor(await server(handle), sources, options);
  let message = '';
  await assert.rejects(source.ready(), (e) => {
    message = (e as Error).message;
    return e instanceof JwksFetchError;
  });
  assert.deepEqual(source.kids(), []);
  return message;
}

afterEach(async () => {
  for (const source of sources.splice(0)) source.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('remote JWKS source: what it refuses', () => {
  it('refuses at creation any URL but https: or http: to a loopback host', () => {
    const never: typeof fetch = () => new Promise(() => undefined);
    const create = (url: string) => createRemoteJwksSource({ url, algorithms: ['ES256'], fetch: never });
    for (const url of [
      'http://auth.example.com/jwks.json',
      'http://10.0.0.1/jwks.json',
      'http://[::2]/jwks.json',
      'http://127.0.0.1.nip.io/jwks.json',
      'http://localhost.example.com/jwks.json',
      'file:///etc/passwd',
      'ftp://127.0.0.1/jwks.json',
      'data:application/json,{"keys":[]}',
      'https://user:secret@auth.example.com/jwks.json',
      '/relative/jwks.json',
    ]) {
      assert.throws(() => create(url), TypeError, url);
    }
    for (const url of [
      'https://auth.example.com/jwks.json',
      'http://localhost:1/j',
      'http://127.1.2.3:1/j',
      'http://[::1]:1/j',
      'http://2130706433:1/j',
    ]) {
      create(url).close();
    }
    assert.throws(() => createRemoteJwksSource({ url: 'https://a.example/j', algorithms: ['HS256'] }), /HS256/);
    assert.throws(() => createRemoteJwksSource({ url: 'https://a.example/j', algorithms: [] }), TypeError);
    assert.throws(
      () => createRemoteJwksSource({ url: 'https://a.example/j', algorithms: ['ES256'], cooldownMs: 0 }),
      /cooldownMs/,
    );
  });

  it('fails within timeoutMs when the server never answers, headers or body, and keeps stale keys', async () => {
    const started = performance.now();
    assert.match(await firstFailure(hang, { timeoutMs: 200 }), /no complete answer within 200 ms/);
    assert.ok(performance.now() - started < 900, 'timed out promptly');
    const halfBody: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":[');
    };
    assert.match(await firstFailure(halfBody, { timeoutMs: 200 }), /no complete answer within 200 ms/);

    const s = await server(serveJwks(jwksOf('ES256')));
    const time = clock();
    const source = sourceFor(s, sources, { timeoutMs: 200, now: time.now });
    await source.ready();
    s.handle = hang;
    time.advance(30_000);
    const t0 = performance.now();
    assert.equal(await source.refreshForUnknownKid('x'), false);
    assert.ok(performance.now() - t0 < 900);
    assert.match(source.lastError?.message ?? '', /no complete answer/);
    assert.equal(verifier({ keys: source }).verify(token(keys().ES256)).sub, 'usr_7f3a');
  });

  it('refuses an oversize JWKS by Content-Length and by the bytes of a chunked body', async () => {
    const big = JSON.stringify({ keys: [], pad: 'x'.repeat(70_000) });
    const declared: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) });
      res.end(big);
    };
    assert.match(await firstFailure(declared), /Content-Length 70\d{3} exceeds 65536 bytes/);
    const chunked: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < big.length; i += 8192) res.write(big.slice(i, i + 8192));
      res.end();
    };
    assert.match(await firstFailure(chunked), /body exceeds 65536 bytes/);
    assert.match(await firstFailure(serveJwks(jwksOf('ES256')), { maxBytes: 100 }), /exceeds 100 bytes/);
  });

  it('does not follow redirects, not even to a valid JWKS', async () => {
    const target = await server(serveJwks(jwksOf('ES256')));
    const redirect =
      (location: string): Handler =>
      (_req, res) => {
        res.writeHead(302, { location });
        res.end();
      };
    assert.match(await firstFailure(redirect(target.url)), /redirect refused \(HTTP 302\)$/);
    assert.match(await firstFailure(redirect('/.well-known/jwks.json')), /redirect refused/);
    assert.equal(target.requests, 0);
  });

  it('refuses answers that are not a JWKS in JSON', async () => {
    const raw =
      (type: string, body: string): Handler =>
      (_req, res) => {
        res.writeHead(200, { 'content-type': type });
        res.end(body);
      };
    assert.match(await firstFailure(raw('text/html', '<html>')), /content type "text\/html"/);
    assert.match(await firstFailure(raw('application/json', '[{"keys":[]}]')), /not a strict JSON object/);
    assert.match(await firstFailure(raw('application/json', '{"keys":[],"keys":[]}')), /not a strict JSON object/);
    assert.match(await firstFailure(raw('application/json', '{"jwks":[]}')), /no "keys" array/);
    const many = { keys: Array.from({ length: 51 }, () => keys().ES256.publicJwk) };
    assert.match(await firstFailure(serveJwks(many)), /51 keys, more than maxKeys \(50\)/);
    const ok = sourceFor(
      await server(raw('application/jwk-set+json; charset=utf-8', JSON.stringify(jwksOf('ES256')))),
      sources,
    );
    await ok.ready();
    assert.deepEqual(ok.kids(), [keys().ES256.kid]);
  });

  it('skips JWKs it must not serve, and says why', async () => {
    const ec = keys().ES256.publicJwk as Record<string, unknown>;
    const privateEc = {
      ...(keys().ES256.privateKey.export({ format: 'jwk' }) as Record<string, unknown>),
      kid: 'private',
      alg: 'ES256',
    };
    const octAsym = { kty: 'oct', k: Buffer.alloc(32, 7).toString('base64url'), kid: 'oct-es256', alg: 'ES256' };
    const octHs = { kty: 'oct', k: Buffer.alloc(32, 7).toString('base64url'), kid: 'oct-hs256', alg: 'HS256' };
    const { kid: _kid, ...noKid } = ec;
    const { alg: _alg, ...noAlg } = { ...ec, kid: 'no-alg' } as Record<string, unknown>;
    const document = {
      keys: [
        ec,
        { ...ec, kid: 'enc', use: 'enc' },
        { ...ec, kid: 'es384', alg: 'ES384' },
        octAsym,
        octHs,
        privateEc,
        noKid,
        noAlg,
        { ...(keys().RS256.publicJwk as object), kid: ec.kid },
        { ...ec, kid: 'verify-only', key_ops: ['encrypt'] },
        'junk',
      ],
    };
    const source = sourceFor(await server(serveJwks(document)), sources);
    await source.ready();
    assert.deepEqual(source.kids(), [keys().ES256.kid]);
    assert.deepEqual(
      source.skipped.map(({ kid, reason }) => [kid, reason]),
      [
        ['enc', 'not_for_signatures'],
        ['es384', 'alg_not_allowed'],
        ['oct-es256', 'unusable'],
        ['oct-hs256', 'alg_not_allowed'],
        ['private', 'unusable'],
        [undefined, 'no_kid'],
        ['no-alg', 'no_alg'],
        [ec.kid, 'duplicate_kid'],
        ['verify-only', 'unusable'],
        [undefined, 'not_an_object'],
      ],
    );
    assert.match(source.skipped.find((s) => s.kid === 'private')?.message ?? '', /private members/);
    for (const kid of ['enc', 'es384', 'oct-es256', 'oct-hs256', 'private', 'no-alg', 'verify-only'])
      assert.equal(source.get(kid), undefined, kid);
  });
});
