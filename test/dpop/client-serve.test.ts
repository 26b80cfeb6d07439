/** @bulwark/client against `bulwark serve`: DPoP with a non-extractable WebCrypto key, end to end. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createBulwarkClient } from '../../packages/client/src/index.js';
import { demoPassword, startServe, type ServerProcess } from '../helpers/process.js';

describe('@bulwark/client uses DPoP against `bulwark serve`', () => {
  let dataDir: string;
  let server: ServerProcess;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-dpop-client-'));
    server = await startServe({ BULWARK_DATA_DIR: dataDir });
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in with a proof, calls the API as DPoP with a fresh proof each time; the captured credentials are useless', async () => {
    const sent: Array<{ path: string; headers: Headers; tokenType?: unknown }> = [];
    const spy = async (url: string, init: RequestInit) => {
      const res = await fetch(url, init);
      const entry = { path: new URL(url).pathname, headers: new Headers(init.headers) };
      sent.push(entry);
      return res;
    };
    const client = createBulwarkClient({ baseUrl: server.url, fetch: spy as typeof fetch });
    const user = await client.signIn('alice', demoPassword(dataDir, 'alice'));
    assert.equal(user.username, 'alice');
    await client.request('GET', '/api/users/me');

    const login = sent.find((s) => s.path === '/api/users-sessions');
    assert.ok(login?.headers.get('dpop'), 'the login carried a proof');
    const calls = sent.filter((s) => s.path === '/api/users/me');
    assert.equal(calls.length, 2);
    const [first, second] = calls.map((c) => ({
      authorization: c.headers.get('authorization') ?? '',
      dpop: c.headers.get('dpop') ?? '',
    }));
    assert.match(first?.authorization ?? '', /^DPoP /);
    assert.notEqual(first?.dpop, second?.dpop, 'a fresh proof per request');
    const header = JSON.parse(Buffer.from((first?.dpop ?? '').split('.')[0] ?? '', 'base64url').toString()) as {
      alg: string;
      jwk: Record<string, unknown>;
    };
    assert.equal(header.alg, 'ES256');
    assert.deepEqual(Object.keys(header.jwk).sort(), ['crv', 'kty', 'x', 'y'], 'the public key only');

    const replay = await fetch(`${server.url}/api/users/me`, {
      headers: { authorization: first?.authorization ?? '', dpop: first?.dpop ?? '' },
    });
    assert.equal(replay.status, 401);
    assert.equal(((await replay.json()) as { code: string }).code, 'invalid_dpop_proof');
    const asBearer = await fetch(`${server.url}/api/users/me`, {
      headers: { authorization: (first?.authorization ?? '').replace(/^DPoP/, 'Bearer') },
    });
    assert.equal(asBearer.status, 401);
    assert.equal(((await asBearer.json()) as { code: string }).code, 'invalid_token');
    client.close();
  });

  it('with dpop: false it stays on Bearer tokens', async () => {
    const seen: string[] = [];
    const spy = async (url: string, init: RequestInit) => {
      seen.push(new Headers(init.headers).get('authorization') ?? '-');
      return fetch(url, init);
    };
    const client = createBulwarkClient({ baseUrl: server.url, fetch: spy as typeof fetch, dpop: false });
    await client.signIn('alice', demoPassword(dataDir, 'alice'));
    assert.match(seen.at(-1) ?? '', /^Bearer /);
    client.close();
  });
});
