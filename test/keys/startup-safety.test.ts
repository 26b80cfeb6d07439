import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateSigningKey, exportPrivateJwk } from '../../src/jose/keys.js';
import { demoPassword, runCli, startServe, type ServerProcess } from '../helpers/process.js';

/**
 * Issue #10's scenario, replayed as written: an instance runs with one signing setup while CLI
 * commands run beside it with another (or none). No command but `keys rotate` may change keys,
 * and a process whose configuration differs from the store's active key refuses to start,
 * naming the variable, rather than signing tokens the rest of the cluster refuses.
 */
const secret = () => randomBytes(32).toString('base64url');
const dirs: string[] = [];
const servers: ServerProcess[] = [];
const newDataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-startup-'));
  dirs.push(dir);
  return dir;
};
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function login(url: string, dataDir: string): Promise<string> {
  const response = await fetch(`${url}/api/users-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: demoPassword(dataDir, 'alice') }),
  });
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as { access_token: string }).access_token;
}

async function meStatus(url: string, token: string): Promise<number> {
  return (await fetch(`${url}/api/users/me`, { headers: { authorization: `Bearer ${token}` } })).status;
}

async function activeKeys(dataDir: string): Promise<Array<{ kid: string; alg: string; state: string }>> {
  const listed = await runCli(['keys', 'list', '--json'], { BULWARK_DATA_DIR: dataDir });
  assert.equal(listed.code, 0, listed.stderr);
  return JSON.parse(listed.stdout) as Array<{ kid: string; alg: string; state: string }>;
}

/** A start that must fail: exit 1 and exactly one stderr line naming `variable`. */
async function refusedStart(env: Record<string, string>, variable: string): Promise<void> {
  const result = await runCli(['serve'], { PORT: '0', ...env });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0] as string, new RegExp(`^bulwark: ${variable}: `));
  assert.doesNotMatch(result.stdout, /listening/);
}

describe('start-up safety: an HS256 data dir', () => {
  const dataDir = newDataDir();
  const hs = secret();
  const hsEnv = { BULWARK_DATA_DIR: dataDir, BULWARK_SIGNING_ALG: 'HS256', BULWARK_HS256_SECRET: hs };

  it('keeps every token verifying while CLI commands run beside it with only BULWARK_DATA_DIR set', async () => {
    const server = await startServe(hsEnv);
    servers.push(server);
    const before = await login(server.url, dataDir);
    const keysBefore = await activeKeys(dataDir);
    assert.deepEqual(
      keysBefore.map((k) => [k.alg, k.state]),
      [['HS256', 'active']],
    );

    const cliEnv = { BULWARK_DATA_DIR: dataDir };
    const added = await runCli(
      ['users', 'add', '--username', 'dave', '--role', 'clerk', '--password-stdin'],
      cliEnv,
      'dave has a long passphrase',
    );
    assert.equal(added.code, 0, added.stderr);
    for (const args of [
      ['users', 'list'],
      ['users', 'list', '--json'],
      ['keys', 'list'],
      ['token', 'decode', before],
    ]) {
      const result = await runCli(args, cliEnv);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    }
    // The running instance re-reads keys every 5 s: give it a reload before judging.
    await sleep(5_500);
    assert.deepEqual(await activeKeys(dataDir), keysBefore, 'no CLI command but keys rotate changes keys');
    assert.equal(await meStatus(server.url, before), 200);
    const after = await login(server.url, dataDir);
    assert.equal(JSON.parse(Buffer.from(after.split('.')[0] as string, 'base64url').toString()).alg, 'HS256');
    assert.equal(await meStatus(server.url, after), 200);
    await server.stop();
  });

  it('refuses to start with the default ES256 setting, naming BULWARK_SIGNING_ALG', async () => {
    await refusedStart({ BULWARK_DATA_DIR: dataDir }, 'BULWARK_SIGNING_ALG');
  });

  it('refuses to start with another HS256 secret, naming BULWARK_HS256_SECRET', async () => {
    await refusedStart({ ...hsEnv, BULWARK_HS256_SECRET: secret() }, 'BULWARK_HS256_SECRET');
  });

  it('starts again with its own setup, and the keys are as they were', async () => {
    const server = await startServe(hsEnv);
    servers.push(server);
    assert.equal(await meStatus(server.url, await login(server.url, dataDir)), 200);
    assert.deepEqual(
      (await activeKeys(dataDir)).map((k) => [k.alg, k.state]),
      [['HS256', 'active']],
    );
    await server.stop();
  });
});

describe('start-up safety: an ES256 data dir', () => {
  const dataDir = newDataDir();
  const esEnv = { BULWARK_DATA_DIR: dataDir };

  it('refuses HS256, EdDSA and a foreign key file, each naming its variable', async () => {
    const server = await startServe(esEnv);
    await server.stop();
    await refusedStart(
      { ...esEnv, BULWARK_SIGNING_ALG: 'HS256', BULWARK_HS256_SECRET: secret() },
      'BULWARK_SIGNING_ALG',
    );
    await refusedStart({ ...esEnv, BULWARK_SIGNING_ALG: 'EdDSA' }, 'BULWARK_SIGNING_ALG');
    const keyFile = join(dataDir, 'other-key.json');
    writeFileSync(keyFile, JSON.stringify(exportPrivateJwk(generateSigningKey('ES256'))), { mode: 0o600 });
    await refusedStart({ ...esEnv, BULWARK_SIGNING_KEY_FILE: keyFile }, 'BULWARK_SIGNING_KEY_FILE');
    assert.deepEqual(
      (await activeKeys(dataDir)).map((k) => [k.alg, k.state]),
      [['ES256', 'active']],
    );
  });

  it('switches algorithms only through keys rotate --switch-alg, and old tokens keep verifying', async () => {
    const server = await startServe(esEnv);
    servers.push(server);
    const esToken = await login(server.url, dataDir);
    const hsEnv = { ...esEnv, BULWARK_SIGNING_ALG: 'HS256', BULWARK_HS256_SECRET: secret() };
    const refused = await runCli(['keys', 'rotate', '--now'], hsEnv);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /--switch-alg/);
    const switched = await runCli(['keys', 'rotate', '--now', '--switch-alg'], hsEnv);
    assert.equal(switched.code, 0, switched.stderr);
    // The running ES256-configured instance follows the store: it signs HS256 now and still
    // verifies what it signed before, so it never issues a token it refuses.
    await sleep(5_500);
    const hsToken = await login(server.url, dataDir);
    assert.equal(JSON.parse(Buffer.from(hsToken.split('.')[0] as string, 'base64url').toString()).alg, 'HS256');
    assert.equal(await meStatus(server.url, hsToken), 200);
    assert.equal(await meStatus(server.url, esToken), 200);
    await server.stop();
    await refusedStart(esEnv, 'BULWARK_SIGNING_ALG');
    const restarted = await startServe(hsEnv);
    servers.push(restarted);
    assert.equal(await meStatus(restarted.url, esToken), 200, 'the retired ES256 key verifies until its tokens expire');
    assert.equal(await meStatus(restarted.url, await login(restarted.url, dataDir)), 200);
    await restarted.stop();
  });
});
