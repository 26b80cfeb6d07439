import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoPassword, startServe, type ServerProcess } from '../helpers/process.js';
import {
  SoftwareAuthenticator,
  type AuthenticationOptionsJSON,
  type RegistrationOptionsJSON,
} from './authenticator.js';

/** `bulwark serve` (built dist/) as a developer runs it, its default WebAuthn settings, real HTTP. */
describe('bulwark serve: passkeys over real HTTP with the default (development) settings', () => {
  let dataDir: string;
  let server: ServerProcess;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-passkeys-e2e-'));
    server = await startServe({ BULWARK_DATA_DIR: dataDir });
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (path: string, body: unknown, token?: string) => {
    const headers: Record<string, string> = {};
    headers['content-type'] = 'application/json';
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> };
  };

  it('registers a passkey and signs in with it alone; a replayed or counter-regressed assertion is refused; nothing secret in the output', async () => {
    // The console on localhost:<the ephemeral port>: RP ID localhost, any localhost port in development.
    const key = new SoftwareAuthenticator(server.url.replace('127.0.0.1', 'localhost'));
    const login = await call('/api/users-sessions', { username: 'alice', password: demoPassword(dataDir, 'alice') });
    assert.equal(login.status, 201);
    const token = login.body.access_token as string;
    const options = await call('/api/users/me/passkeys/registration-options', {}, token);
    assert.equal(options.status, 200, JSON.stringify(options.body));
    assert.equal((options.body as unknown as RegistrationOptionsJSON).rp.id, 'localhost');
    const registered = await call(
      '/api/users/me/passkeys',
      { name: 'Laptop', response: key.create(options.body as unknown as RegistrationOptionsJSON) },
      token,
    );
    assert.equal(registered.status, 201, JSON.stringify(registered.body));

    const challenge = (await call('/api/users-sessions/passkey/options', {}))
      .body as unknown as AuthenticationOptionsJSON;
    const assertion = key.get(challenge);
    const signedIn = await call('/api/users-sessions/passkey', { response: assertion });
    assert.equal(signedIn.status, 201, JSON.stringify(signedIn.body));
    const claims = JSON.parse(
      Buffer.from((signedIn.body.access_token as string).split('.')[1] as string, 'base64url').toString('utf8'),
    ) as { amr: string[]; auth_time: number };
    assert.deepEqual(claims.amr, ['hwk', 'user', 'mfa']);
    const me = await fetch(`${server.url}/api/users/me`, {
      headers: { authorization: `Bearer ${signedIn.body.access_token as string}` },
    });
    assert.equal(((await me.json()) as { username: string }).username, 'alice');

    const replayed = await call('/api/users-sessions/passkey', { response: assertion });
    assert.deepEqual([replayed.status, replayed.body.code], [400, 'invalid_passkey_challenge']);
    const fresh = (await call('/api/users-sessions/passkey/options', {})).body as unknown as AuthenticationOptionsJSON;
    const cloned = await call('/api/users-sessions/passkey', { response: key.get(fresh, { counter: 1 }) });
    assert.deepEqual([cloned.status, cloned.body.code], [401, 'invalid_passkey']);
    const phished = await call('/api/users-sessions/passkey', {
      response: key.get(
        (await call('/api/users-sessions/passkey/options', {})).body as unknown as AuthenticationOptionsJSON,
        { origin: 'http://127.0.0.1:1' },
      ),
    });
    assert.deepEqual([phished.status, phished.body.code], [401, 'invalid_passkey']);

    const output = server.output();
    for (const secret of [
      challenge.challenge,
      assertion.response.signature,
      assertion.response.clientDataJSON,
      fresh.challenge,
    ])
      assert.ok(!output.includes(secret), 'a ceremony secret in the output');
  });
});
