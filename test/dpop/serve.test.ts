/**
 * Issue #13 item 3, done: DPoP against the built `bulwark serve`, over real HTTP. A DPoP token
 * copied to another client is useless, and every refusal is a 4xx with its stable code.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jwkThumbprint } from '../../packages/guard/src/jwk/thumbprint.js';
import { demoPassword, runCli, startServe, type ServerProcess } from '../helpers/process.js';
import { ath, makeProof, proofKey, type ProofKey, type ProofOptions } from './proofs.js';

interface Answer {
  status: number;
  type: string | null;
  challenge: string | null;
  body: Record<string, unknown>;
}

describe('DPoP against `bulwark serve` (RFC 9449)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let server: ServerProcess;
  const alice = proofKey('ES256');
  const mallory = proofKey('ES256');

  const call = async (
    method: string,
    path: string,
    options: { body?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const res = await fetch(`${server.url}${path}`, { method, headers, body });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      challenge: res.headers.get('www-authenticate'),
      body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    };
  };
  const proof = (key: ProofKey, method: string, path: string, options: ProofOptions = {}) =>
    makeProof(key, { htm: method, htu: `${server.url}${path}`, ...options });
  const me = (scheme: string, token: string, dpop?: string) =>
    call('GET', '/api/users/me', {
      headers: { authorization: `${scheme} ${token}`, ...(dpop === undefined ? {} : { dpop }) },
    });
  const login = (dpop?: string) =>
    call('POST', '/api/users-sessions', {
      body: { username: 'alice', password: demoPassword(dataDir, 'alice') },
      headers: dpop === undefined ? {} : { dpop },
    });
  const payload = (jwt: string) =>
    JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

  /** A refusal: a 4xx problem+json with this code (never a 5xx). */
  const refused = (answer: Answer, status: number, code: string) => {
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.equal(answer.type, 'application/problem+json; charset=utf-8');
    assert.equal(answer.body.code, code);
    assert.equal(answer.body.status, status);
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-dpop-'));
    env = { BULWARK_DATA_DIR: dataDir };
    server = await startServe(env);
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('advertises dpop_signing_alg_values_supported', async () => {
    const metadata = await call('GET', '/.well-known/oauth-authorization-server');
    assert.deepEqual(metadata.body.dpop_signing_alg_values_supported, ['ES256', 'EdDSA', 'RS256', 'PS256']);
  });

  it('login with a proof gives a DPoP token bound to the key; it works only with fresh proofs of that key', async () => {
    const answer = await login(proof(alice, 'POST', '/api/users-sessions'));
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.token_type, 'DPoP');
    const token = answer.body.access_token as string;
    assert.deepEqual(payload(token).cnf, { jkt: jwkThumbprint(alice.jwk) });

    const good = proof(alice, 'GET', '/api/users/me', { ath: ath(token) });
    const ok = await me('DPoP', token, good);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.username, 'alice');

    // Copied to another client: its proofs are of another key.
    const stolen = await me('DPoP', token, proof(mallory, 'GET', '/api/users/me', { ath: ath(token) }));
    refused(stolen, 401, 'invalid_token');
    assert.match(stolen.challenge ?? '', /^DPoP error="invalid_token", algs="ES256 EdDSA RS256 PS256"$/);
    refused(await me('Bearer', token), 401, 'invalid_token');
    refused(await me('DPoP', token), 401, 'invalid_dpop_proof');

    const replay = await me('DPoP', token, good);
    refused(replay, 401, 'invalid_dpop_proof');
    assert.match(replay.challenge ?? '', /^DPoP error="invalid_dpop_proof"/);
    refused(await me('DPoP', token, proof(alice, 'GET', '/api/users', { ath: ath(token) })), 401, 'invalid_dpop_proof');
    refused(
      await me('DPoP', token, proof(alice, 'POST', '/api/users/me', { ath: ath(token) })),
      401,
      'invalid_dpop_proof',
    );
    refused(
      await me('DPoP', token, proof(alice, 'GET', '/api/users/me', { ath: ath('another') })),
      401,
      'invalid_dpop_proof',
    );
    refused(
      await me(
        'DPoP',
        token,
        proof(alice, 'GET', '/api/users/me', { ath: ath(token), iat: Math.floor(Date.now() / 1000) - 600 }),
      ),
      401,
      'invalid_dpop_proof',
    );
    refused(
      await me('DPoP', token, proof(alice, 'GET', '/api/users/me', { ath: ath(token), header: { alg: 'HS256' } })),
      401,
      'invalid_dpop_proof',
    );
  });

  it('a login without a proof stays Bearer; its token is refused under the DPoP scheme', async () => {
    const answer = await login();
    assert.equal(answer.body.token_type, 'Bearer');
    const token = answer.body.access_token as string;
    assert.equal((await me('Bearer', token)).status, 200);
    refused(await me('DPoP', token, proof(alice, 'GET', '/api/users/me', { ath: ath(token) })), 401, 'invalid_token');
  });

  it('an invalid proof at login is refused before the password is judged', async () => {
    refused(await login(proof(alice, 'POST', '/api/users-sessions/refresh')), 401, 'invalid_dpop_proof');
    refused(await login('garbage'), 401, 'invalid_dpop_proof');
  });

  it('the refresh token is bound to the key: refreshes need a proof of it, at both refresh endpoints', async () => {
    const first = await login(proof(alice, 'POST', '/api/users-sessions'));
    const refreshToken = first.body.refresh_token as string;
    const refresh = (token: string, dpop?: string) =>
      call('POST', '/api/users-sessions/refresh', {
        body: { refresh_token: token },
        headers: dpop === undefined ? {} : { dpop },
      });

    refused(await refresh(refreshToken), 401, 'invalid_dpop_proof');
    refused(
      await refresh(refreshToken, proof(mallory, 'POST', '/api/users-sessions/refresh')),
      401,
      'invalid_dpop_proof',
    );
    const rotated = await refresh(refreshToken, proof(alice, 'POST', '/api/users-sessions/refresh'));
    assert.equal(rotated.status, 200, 'the refused attempts did not use the token up');
    assert.equal(rotated.body.token_type, 'DPoP');
    assert.deepEqual(payload(rotated.body.access_token as string).cnf, { jkt: jwkThumbprint(alice.jwk) });

    const next = rotated.body.refresh_token as string;
    const oauthRefresh = (dpop?: string) =>
      call('POST', '/oauth/token', {
        form: { grant_type: 'refresh_token', refresh_token: next, client_id: 'bulwark' },
        headers: dpop === undefined ? {} : { dpop },
      });
    const unproven = await oauthRefresh();
    assert.equal(unproven.status, 400);
    assert.equal(unproven.body.error, 'invalid_dpop_proof');
    const viaOAuth = await oauthRefresh(proof(alice, 'POST', '/oauth/token'));
    assert.equal(viaOAuth.status, 200, JSON.stringify(viaOAuth.body));
    assert.equal(viaOAuth.body.token_type, 'DPoP');
  });

  it('client_credentials with a proof gives a DPoP token; as Bearer or with another key it is refused', async () => {
    const created = await runCli(['clients', 'add', '--name', 'dpop batch', '--scope', 'payroll:read', '--json'], env);
    assert.equal(created.code, 0, created.stderr);
    const { client_id: id, client_secret: secret } = JSON.parse(created.stdout) as {
      client_id: string;
      client_secret: string;
    };
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    const machine = proofKey('EdDSA');
    const answer = await call('POST', '/oauth/token', {
      form: { grant_type: 'client_credentials' },
      headers: { authorization: basic, dpop: proof(machine, 'POST', '/oauth/token') },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.token_type, 'DPoP');
    assert.equal(answer.body.refresh_token, undefined);
    const token = answer.body.access_token as string;
    const employees = (key: ProofKey, scheme = 'DPoP') =>
      call('GET', '/api/employees', {
        headers: {
          authorization: `${scheme} ${token}`,
          dpop: proof(key, 'GET', '/api/employees', { ath: ath(token) }),
        },
      });
    assert.equal((await employees(machine)).status, 200);
    refused(await employees(mallory), 401, 'invalid_token');
    refused(await employees(machine, 'Bearer'), 401, 'invalid_token');

    const replayed = proof(machine, 'POST', '/oauth/token');
    const tokenRequest = () =>
      call('POST', '/oauth/token', {
        form: { grant_type: 'client_credentials' },
        headers: { authorization: basic, dpop: replayed },
      });
    assert.equal((await tokenRequest()).status, 200);
    const again = await tokenRequest();
    assert.equal(again.status, 400);
    assert.equal(again.body.error, 'invalid_dpop_proof');
  });
});
