import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { demoPassword, freePort, runCli, startServe, type ServerProcess } from '../helpers/process.js';

export const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

/** The token service (demo seed) as a real process, and a feed client made with the CLI. */
export interface TokenService {
  readonly server: ServerProcess;
  issuer: string;
  dataDir: string;
  client: { client_id: string; client_secret: string };
  password(user: string): string;
  /** Stops the token service and starts it again on the same address and data. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** `extraEnv`: more of the token service's configuration (the benchmark lifts rate limits). */
export async function startTokenService(extraEnv: Record<string, string> = {}): Promise<TokenService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-examples-'));
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const env = { ...extraEnv, BULWARK_DATA_DIR: dataDir, BULWARK_ISSUER: issuer };
  let server = await startServe({ ...env, PORT: String(port) });
  const created = await runCli(['clients', 'add', '--name', 'example-service', '--scope', 'ssf:poll', '--json'], {
    ...env,
    BULWARK_DEMO: '0',
  });
  assert.equal(created.code, 0, created.stderr);
  const client = JSON.parse(created.stdout) as { client_id: string; client_secret: string };
  return {
    get server() {
      return server;
    },
    issuer,
    dataDir,
    client,
    password: (user) => demoPassword(dataDir, user),
    async restart() {
      await server.stop();
      server = await startServe({ ...env, PORT: String(port) });
    },
    async close() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ExampleProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts examples/<name>/server.mjs as a third party would run it, and waits for its listening line.
 * `extraEnv`: more of the example's configuration, or another client than the service's default one.
 */
export function startExample(
  name: string,
  service: TokenService,
  timeoutMs = 15_000,
  extraEnv: Record<string, string> = {},
): Promise<ExampleProcess> {
  const env = {
    PATH: process.env.PATH ?? '',
    PORT: '0',
    BULWARK_ISSUER: service.issuer,
    BULWARK_CLIENT_ID: service.client.client_id,
    BULWARK_CLIENT_SECRET: service.client.client_secret,
    ...extraEnv,
  };
  const child = spawn(process.execPath, [join(EXAMPLES, name, 'server.mjs')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (data: Buffer) => {
      out += data.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        child,
        output: () => out,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${out}`));
    });
  });
}

export async function login(service: TokenService, username: string): Promise<string> {
  const response = await fetch(`${service.server.url}/api/users-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: service.password(username) }),
  });
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as { access_token: string }).access_token;
}

export function whoami(example: ExampleProcess, token: string): Promise<Response> {
  return fetch(`${example.url}/whoami`, { headers: { authorization: `Bearer ${token}` } });
}

/**
 * Logs the token's session out and returns the ms from the logout's answer to the example's first
 * 401 (asking every 2 ms), or Infinity when it still answers 200 after `limitMs`.
 */
export async function logoutToFirst401(
  service: TokenService,
  example: ExampleProcess,
  token: string,
  limitMs = 3_000,
): Promise<number> {
  const logout = await fetch(`${service.server.url}/api/users-sessions/current`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(logout.status, 204);
  const answered = performance.now();
  while (performance.now() - answered < limitMs) {
    const response = await whoami(example, token);
    await response.arrayBuffer();
    if (response.status === 401) return performance.now() - answered;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return Infinity;
}
