import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoPassword, startServe, type ServerProcess } from '../helpers/process.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request with node:http(s); on HTTPS the throw-away certificate is the only trusted CA. */
function call(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown; ca?: Buffer } = {},
): Promise<Answer> {
  const target = new URL(url);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    ...options.headers,
    ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
  };
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      { method: options.method ?? 'GET', headers, ...(options.ca === undefined ? {} : { ca: options.ca }) },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('bulwark serve over HTTPS (throw-away certificate)', () => {
  let dir: string;
  let tlsDir: string;
  let plainDir: string;
  let ca: Buffer;
  let tls: ServerProcess;
  let plain: ServerProcess;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-tls-'));
    tlsDir = join(dir, 'tls-data');
    plainDir = join(dir, 'plain-data');
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    ca = readFileSync(cert);
    [tls, plain] = await Promise.all([
      startServe({ BULWARK_DATA_DIR: tlsDir, BULWARK_TLS_CERT_FILE: cert, BULWARK_TLS_KEY_FILE: key }),
      startServe({ BULWARK_DATA_DIR: plainDir }),
    ]);
  });
  after(async () => {
    await Promise.all([tls?.stop(), plain?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on https:// and logs in over TLS, with HSTS and the __Secure- refresh cookie', async () => {
    assert.match(tls.url, /^https:\/\//);
    const login = await call(`${tls.url}/api/users-sessions`, {
      method: 'POST',
      body: { username: 'alice', password: demoPassword(tlsDir, 'alice') },
      ca,
    });
    assert.equal(login.status, 201, login.body);
    assert.equal(login.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    const cookie = String(login.headers['set-cookie']);
    assert.match(cookie, /^__Secure-bulwark_refresh=brt_/);
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/api/users-sessions'])
      assert.ok(cookie.includes(attribute), `cookie lacks ${attribute}`);
    const pair = JSON.parse(login.body) as { access_token: string; refresh_token: string };
    const me = await call(`${tls.url}/api/users/me`, { headers: { authorization: `Bearer ${pair.access_token}` }, ca });
    assert.equal(me.status, 200);
    assert.ok(me.headers['strict-transport-security']);
    const denied = await call(`${tls.url}/api/users/me`, { ca });
    assert.equal(denied.status, 401);
    assert.ok(denied.headers['strict-transport-security'], 'HSTS on errors too');
  });

  it('refreshes from the __Secure- cookie, and refuses it from a foreign Origin (CSRF) over HTTPS too', async () => {
    const login = await call(`${tls.url}/api/users-sessions`, {
      method: 'POST',
      body: { username: 'bob', password: demoPassword(tlsDir, 'bob') },
      ca,
    });
    assert.equal(login.status, 201);
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const foreign = await call(`${tls.url}/api/users-sessions/refresh`, {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example' },
      ca,
    });
    assert.equal(foreign.status, 403);
    assert.match(String(foreign.headers['content-type']), /^application\/problem\+json/);
    assert.equal((JSON.parse(foreign.body) as { code: string }).code, 'forbidden');
    const refreshed = await call(`${tls.url}/api/users-sessions/refresh`, { method: 'POST', headers: { cookie }, ca });
    assert.equal(refreshed.status, 200, refreshed.body);
    assert.match(String(refreshed.headers['set-cookie']), /^__Secure-bulwark_refresh=brt_/);
  });

  it('sends no HSTS and the bare cookie name on plain HTTP (development)', async () => {
    assert.match(plain.url, /^http:\/\//);
    const login = await call(`${plain.url}/api/users-sessions`, {
      method: 'POST',
      body: { username: 'alice', password: demoPassword(plainDir, 'alice') },
    });
    assert.equal(login.status, 201);
    assert.equal(login.headers['strict-transport-security'], undefined);
    assert.match(String(login.headers['set-cookie']), /^bulwark_refresh=brt_/);
    assert.equal((await call(`${plain.url}/healthz`)).headers['strict-transport-security'], undefined);
  });
});
