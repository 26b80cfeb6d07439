import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compactDecrypt, SignJWT } from 'jose';
import { jweKeyFrom, type JweKey } from '../../packages/guard/src/jwe/jwe-key.js';
import { craftJwe, flipBit, offCurveEpk } from '../../packages/guard/test/jwe/jwe-helpers.js';
import { demoPassword, runCli, startServe, type ServerProcess } from '../helpers/process.js';

/**
 * `bulwark serve` (built dist/) with BULWARK_TOKEN_ENCRYPTION_KEY_FILE: access tokens are nested
 * JWTs (signed, then encrypted, cty JWT); every refusal of an encrypted token is a 401
 * invalid_token problem, never a 5xx. A payroll-only process decrypts with the same file.
 */
describe('encrypted access tokens against a listening server', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let server: ServerProcess;
  let payroll: ServerProcess;
  let key: JweKey;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-jwe-e2e-'));
    const keyFile = join(dataDir, 'token-encryption.pem');
    writeFileSync(
      keyFile,
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }),
      { mode: 0o600 },
    );
    key = jweKeyFrom(readFileSync(keyFile, 'utf8'));
    env = { BULWARK_DATA_DIR: dataDir, BULWARK_TOKEN_ENCRYPTION_KEY_FILE: keyFile };
    server = await startServe(env);
    payroll = await startServe({ ...env, BULWARK_DEMO: '0' }, [
      '--only',
      'payroll',
      '--jwks-url',
      `${server.url}/.well-known/jwks.json`,
    ]);
  });
  after(async () => {
    await Promise.all([server?.stop(), payroll?.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const login = async (
    username = 'alice',
  ): Promise<{ access_token: string; refresh_token: string; session_id: string }> => {
    const response = await fetch(`${server.url}/api/users-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: demoPassword(dataDir, username) }),
    });
    assert.equal(response.status, 201);
    return (await response.json()) as { access_token: string; refresh_token: string; session_id: string };
  };
  const call = async (token: string, path = '/api/users/me', base = server.url) => {
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  const assertInvalidToken = async (token: string, label: string) => {
    for (const base of [server.url, payroll.url]) {
      const answer = await call(token, base === server.url ? '/api/users/me' : '/api/employees', base);
      assert.equal(answer.status, 401, `${label}: ${JSON.stringify(answer.body)}`);
      assert.match(answer.type, /^application\/problem\+json/, label);
      assert.equal(answer.body.code, 'invalid_token', label);
      assert.deepEqual(Object.keys(answer.body).sort(), ['code', 'detail', 'status', 'title', 'type'], label);
    }
  };
  const innerOf = async (jwe: string) =>
    new TextDecoder().decode((await compactDecrypt(jwe, key.privateKey)).plaintext);

  it('login gives a five-part token whose header reveals only alg, enc, cty, kid and epk, and whose payload is unreadable', async () => {
    const { access_token: token, session_id: sessionId } = await login();
    const parts = token.split('.');
    assert.equal(parts.length, 5);
    const header = JSON.parse(Buffer.from(parts[0] as string, 'base64url').toString()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(header).sort(), ['alg', 'cty', 'enc', 'epk', 'kid']);
    assert.deepEqual([header.alg, header.enc, header.cty, header.kid], ['ECDH-ES+A256KW', 'A256GCM', 'JWT', key.kid]);
    const visible = parts.map((p) => Buffer.from(p, 'base64url').toString('latin1')).join(' ');
    for (const secret of ['alice', 'admin', 'payroll', sessionId, server.url, 'at+jwt'])
      assert.ok(!visible.includes(secret), `${secret} is readable`);
    const inner = await innerOf(token);
    assert.equal(inner.split('.').length, 3);
    const claims = JSON.parse(Buffer.from(inner.split('.')[1] as string, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    assert.equal(claims.sid, sessionId);
  });

  it('the token works at the token service and at a payroll-only process given the same key; refresh answers another', async () => {
    const { access_token: token, refresh_token: refresh } = await login();
    const me = await call(token);
    assert.equal(me.status, 200);
    assert.equal(me.body.username, 'alice');
    assert.equal((await call(token, '/api/employees?limit=1', payroll.url)).status, 200);
    const refreshed = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh, client_id: 'bulwark' }),
    });
    assert.equal(refreshed.status, 200);
    const body = (await refreshed.json()) as { access_token: string; scope: string };
    assert.equal(body.access_token.split('.').length, 5);
    assert.match(body.scope, /payroll:read/);
    assert.equal((await call(body.access_token)).status, 200);
  });

  it('client credentials tokens from /oauth/token are encrypted too, and introspect as active', async () => {
    const created = await runCli(
      ['clients', 'add', '--name', 'jwe reader', '--scope', 'payroll:read', '--introspection', '--json'],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    const { client_id: id, client_secret: secret } = JSON.parse(created.stdout) as {
      client_id: string;
      client_secret: string;
    };
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: basic };
    const issued = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: form,
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    assert.equal(issued.status, 200);
    const token = ((await issued.json()) as { access_token: string }).access_token;
    assert.equal(token.split('.').length, 5);
    assert.equal((await call(token, '/api/employees?limit=1', payroll.url)).status, 200);
    const introspected = await fetch(`${server.url}/oauth/introspect`, {
      method: 'POST',
      headers: form,
      body: new URLSearchParams({ token }),
    });
    assert.equal(introspected.status, 200);
    const answer = (await introspected.json()) as { active: boolean; client_id?: string };
    assert.deepEqual([answer.active, answer.client_id], [true, id]);
  });

  it('a genuine token unencrypted, a forged JWS and a JWE for another key are 401 invalid_token', async () => {
    const inner = await innerOf((await login()).access_token);
    await assertInvalidToken(inner, 'the genuine signed JWS without its encryption');
    const forged = await new SignJWT({ sub: 'usr_x', sid: 's', jti: 'j', scope: 'payroll:admin', role: 'admin' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k' })
      .setIssuer(server.url)
      .setAudience('payroll')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    await assertInvalidToken(forged, 'a forged JWS');
    const stranger = jweKeyFrom(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    await assertInvalidToken(craftJwe(inner, stranger), 'encrypted to another key');
    await assertInvalidToken(craftJwe(inner, { ...stranger, kid: key.kid }), 'encrypted to another key under our kid');
  });

  it('a JWE with zip, RSA1_5, PBES2, dir, another enc, a bad tag or an off-curve epk is 401 invalid_token, never 5xx', async () => {
    const inner = await innerOf((await login()).access_token);
    assert.equal((await call(craftJwe(inner, key))).status, 200, 'the control: re-encrypted correctly it works');
    const cases: Array<[string, string]> = [
      ['zip', craftJwe(inner, key, { header: { zip: 'DEF' } })],
      ['RSA1_5', craftJwe(inner, key, { header: { alg: 'RSA1_5', epk: undefined } })],
      [
        'PBES2',
        craftJwe(inner, key, {
          header: { alg: 'PBES2-HS256+A128KW', p2s: 'c2FsdHNhbHQ', p2c: 10_000_000, epk: undefined },
        }),
      ],
      ['dir', craftJwe(inner, key, { header: { alg: 'dir', epk: undefined } })],
      ['A128CBC-HS256', craftJwe(inner, key, { header: { enc: 'A128CBC-HS256' } })],
      ['bad tag', flipBit(craftJwe(inner, key), 4, 9)],
      ['bad ciphertext', flipBit(craftJwe(inner, key), 3, 100)],
      ['off-curve epk', craftJwe(inner, key, { header: { epk: offCurveEpk() } })],
      ['jku', craftJwe(inner, key, { header: { jku: `${server.url}/.well-known/jwks.json` } })],
      ['no cty', craftJwe(inner, key, { header: { cty: undefined } })],
    ];
    for (const [label, token] of cases) await assertInvalidToken(token, label);
  });

  it('a payroll-only process without the key refuses encrypted tokens (401), and serve refuses a bad key file at start', async () => {
    const token = (await login()).access_token;
    const keyless = await startServe({ BULWARK_DATA_DIR: dataDir, BULWARK_DEMO: '0' }, [
      '--only',
      'payroll',
      '--jwks-url',
      `${server.url}/.well-known/jwks.json`,
    ]);
    try {
      const answer = await call(token, '/api/employees', keyless.url);
      assert.equal(answer.status, 401);
      assert.equal(answer.body.code, 'invalid_token');
    } finally {
      await keyless.stop();
    }
    const publicOnly = join(dataDir, 'public.pem');
    writeFileSync(publicOnly, key.publicKey.export({ format: 'pem', type: 'spki' }));
    await assert.rejects(
      startServe({ ...env, BULWARK_TOKEN_ENCRYPTION_KEY_FILE: publicOnly }),
      /BULWARK_TOKEN_ENCRYPTION_KEY_FILE: .*private key/,
    );
  });

  it('`bulwark token decode` shows the JWE header only; `token verify` decrypts with the configured key', async () => {
    const token = (await login()).access_token;
    const decoded = await runCli(['token', 'decode', token], env);
    assert.equal(decoded.code, 0, decoded.stderr);
    assert.match(decoded.stdout, /ENCRYPTED/);
    assert.match(decoded.stdout, /"alg": "ECDH-ES\+A256KW"/);
    assert.doesNotMatch(decoded.stdout, /claims:|alice|"sub"/);
    // The servers run with PORT=0, so their issuer is http://localhost:0: the CLI reads the same config.
    const verified = await runCli(['token', 'verify', token], { ...env, PORT: '0' });
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /decrypted with the configured key/);
    assert.match(verified.stdout, /VALID/);
    const tampered = await runCli(['token', 'verify', flipBit(token, 4, 3)], { ...env, PORT: '0' });
    assert.equal(tampered.code, 1);
    assert.match(
      tampered.stdout,
      /INVALID: first failed check: decrypts with the configured key .*\(decryption_failed\)/,
    );
  });
});
