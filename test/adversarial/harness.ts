import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoPassword, startServe, type ServerProcess } from '../helpers/process.js';

/**
 * The attack suites' target: a real `bulwark serve` process (built dist/) on an ephemeral loopback
 * port, signing with an ES256 key the test generated, so a test can forge tokens that carry a
 * valid signature and exactly the header and claims it wants to try.
 */
export interface Target {
  url: string;
  issuer: string;
  audience: string;
  dataDir: string;
  /** The server's signing key (ES256, P-256). */
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The signing key's kid as published in /.well-known/jwks.json. */
  kid: string;
  server: ServerProcess;
  password(user: string): string;
  /** Logs a demo user in; returns the login body. */
  login(user: string): Promise<LoginBody>;
  /** Signs `claims` with the server's key: header defaults to {alg: ES256, typ: at+jwt, kid}. */
  forge(claims: Record<string, unknown>, header?: Record<string, unknown>): string;
  /** Claims of a real token for `user` (taken from a login), for tests to alter. */
  claimsOf(token: string): Record<string, unknown>;
  /** Asserts the process is alive and still serves: /healthz 200 and a valid token accepted. */
  assertHealthy(): Promise<void>;
  stop(): Promise<void>;
}

export interface LoginBody {
  access_token: string;
  refresh_token: string;
  session_id: string;
  expires_in: number;
  token_type: string;
}

/** Limits high enough that an attack suite measures verification, not the throttle. */
export const GENEROUS_LIMITS: Record<string, string> = {
  BULWARK_LOGIN_FAILURES_PER_USER_IP: '100000',
  BULWARK_LOGIN_ATTEMPTS_PER_IP_PER_SECOND: '100000',
  BULWARK_LOGIN_FAILURES_PER_IP: '100000',
  BULWARK_REFRESH_PER_IP_PER_MINUTE: '100000',
  BULWARK_WRITES_PER_USER_PER_MINUTE: '100000',
};

export const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');
export const encodeJson = (value: unknown): string => b64url(JSON.stringify(value));

export async function startTarget(env: Record<string, string> = {}, args: string[] = []): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-adversarial-'));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyFile = join(dataDir, 'signing-key.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const issuer = 'http://bulwark-adversarial.test';
  const audience = 'payroll';
  const server = await startServe(
    {
      BULWARK_DATA_DIR: dataDir,
      BULWARK_ISSUER: issuer,
      BULWARK_SIGNING_ALG: 'ES256',
      BULWARK_SIGNING_KEY_FILE: keyFile,
      BULWARK_DEMO: '1',
      BULWARK_LOG_LEVEL: 'warn',
      ...env,
    },
    args,
  );
  const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
  const kid = jwks.keys[0]?.kid;
  assert.ok(kid, 'the target publishes its key');

  const target: Target = {
    url: server.url,
    issuer,
    audience,
    dataDir,
    privateKey,
    publicKey,
    kid,
    server,
    password: (user) => demoPassword(dataDir, user),
    async login(user) {
      const response = await fetch(`${server.url}/api/users-sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: user, password: target.password(user) }),
      });
      assert.equal(response.status, 201, `login ${user}`);
      return (await response.json()) as LoginBody;
    },
    forge(claims, header = {}) {
      const signingInput = `${encodeJson({ alg: 'ES256', typ: 'at+jwt', kid, ...header })}.${encodeJson(claims)}`;
      return `${signingInput}.${signEs256(privateKey, signingInput)}`;
    },
    claimsOf(token) {
      return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
    },
    async assertHealthy() {
      assert.equal(server.child.exitCode, null, 'the server process is still running');
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200, '/healthz answers 200');
      const { access_token: token } = await target.login('alice');
      assert.equal(
        (await fetch(`${server.url}/api/users/me`, { headers: { authorization: `Bearer ${token}` } })).status,
        200,
        'a valid token is still accepted',
      );
    },
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return target;
}

/** ES256 signature in JOSE form (r || s, 64 bytes), as RFC 7518 §3.4 wants. */
export function signEs256(privateKey: KeyObject, signingInput: string): string {
  return b64url(sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' }));
}

/** The problem+json a rejected request must carry. */
export interface Problem {
  status: number;
  code: string;
  type: string;
  title: string;
  detail?: string;
}

/** Calls `path` with `Authorization: Bearer <token>` and returns status, code and headers. */
export async function callWith(
  target: Target,
  token: string,
  path = '/api/users/me',
  init: RequestInit = {},
): Promise<{ status: number; code: string | undefined; contentType: string | null; wwwAuthenticate: string | null }> {
  const response = await fetch(`${target.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) },
  });
  const contentType = response.headers.get('content-type');
  const text = await response.text();
  let code: string | undefined;
  if (contentType?.startsWith('application/problem+json') === true) code = (JSON.parse(text) as Problem).code;
  return { status: response.status, code, contentType, wwwAuthenticate: response.headers.get('www-authenticate') };
}

/** A stable short name for a case, for test titles. */
export const caseId = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 8);

/** What `send` returns: status, problem code (problem+json only), headers and the raw body. */
export interface Answer {
  status: number;
  code: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = unknown>(): T;
}

/**
 * One HTTP call to the target with any method, optional bearer token and JSON body (an object is
 * serialised, a string is sent as is). `from` picks the loopback source address (127.x.y.z), so
 * a test can act as distinct client IPs against the per-IP limits.
 */
export function send(
  target: Target,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; from?: string } = {},
): Promise<Answer> {
  const payload =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
    ...options.headers,
  };
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  return new Promise((resolve, reject) => {
    const call = httpRequest(
      `${target.url}${path}`,
      { method, headers, localAddress: options.from, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const problem = String(response.headers['content-type']).startsWith('application/problem+json');
          resolve({
            status: response.statusCode ?? 0,
            code: problem ? (JSON.parse(text) as Problem).code : undefined,
            headers: response.headers,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      },
    );
    call.on('error', reject);
    call.end(payload);
  });
}

/** Asserts a bearer 401: exact code, problem+json, and the WWW-Authenticate of CONTRACT §4. */
export function assertRejected(answer: Answer, code: 'invalid_token' | 'token_expired', label = ''): void {
  assert.equal(answer.status, 401, `${label}: status (${answer.text})`);
  assert.equal(answer.code, code, `${label}: code`);
  const challenge = answer.headers['www-authenticate'];
  if (code === 'invalid_token')
    assert.equal(challenge, 'Bearer realm="bulwark", error="invalid_token"', `${label}: WWW-Authenticate`);
  else
    assert.match(
      String(challenge),
      /^Bearer realm="bulwark", error="invalid_token"(, error_description="[^"]*")?$/,
      `${label}: WWW-Authenticate`,
    );
  assert.match(String(answer.headers['content-type']), /^application\/problem\+json/, `${label}: problem+json`);
}
