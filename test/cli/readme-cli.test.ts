import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, demoPassword, freePort, runCli, startServe, type ServerProcess } from '../helpers/process.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The first ```sh block after a heading. */
function shellBlockAfter(heading: string): string {
  const from = README.indexOf(`\n${heading}\n`);
  assert.ok(from >= 0, `README has no "${heading}"`);
  const match = /```sh\n([\s\S]*?)```/.exec(README.slice(from));
  assert.ok(match?.[1] !== undefined, `no sh block after "${heading}"`);
  return match[1];
}

/** The shell functions the CLI block relies on ("login() as above"), from the payroll walk-through. */
function walkThroughFunctions(): string {
  const block = shellBlockAfter('## Payroll walk-through');
  const json = /^json\(\) \{.*\}$/m.exec(block)?.[0];
  const login = /^login\(\) \{\n[\s\S]*?\n\}$/m.exec(block)?.[0];
  assert.ok(json !== undefined && login !== undefined, 'the walk-through defines json() and login()');
  return `${json}\n${login}\n`;
}

function bash(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      cwd,
      env: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * The README's CLI block, run verbatim (in a directory of its own whose ./bin is this checkout's
 * and whose ./data is the server's), against a running quick start; then the quick start again:
 * it must still start, log in, and rotate from the console's API.
 */
describe("the README's CLI block leaves the quick start working", () => {
  let dir: string;
  let env: Record<string, string>;
  let base: string;
  let server: ServerProcess | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-readme-'));
    symlinkSync(dirname(BIN), join(dir, 'bin'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = { PORT: String(port), HOST: '127.0.0.1' };
    server = await startServe({ ...env, BULWARK_DATA_DIR: join(dir, 'data') });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every line of the block with success, then npm start starts again and serves', async () => {
    const block = shellBlockAfter('## CLI');
    assert.match(block, /\.\/bin\/bulwark keys rotate/);
    const script = `set -euo pipefail\nB=${base}\n${walkThroughFunctions()}${block}`;
    const run = await bash(script, dir, env);
    assert.equal(run.code, 0, run.output);
    assert.doesNotMatch(run.output, /bulwark: /, 'no command failed or warned');

    // The quick start again on the same data dir (npm start is `bulwark serve`).
    await server?.stop();
    server = await startServe({ ...env, BULWARK_DATA_DIR: join(dir, 'data') });
    const login = await fetch(`${base}/api/users-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: demoPassword(join(dir, 'data'), 'alice') }),
    });
    assert.equal(login.status, 201, await login.clone().text());
    const { access_token: token } = (await login.json()) as { access_token: string };
    const me = await fetch(`${base}/api/users/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200);
    // No key of another algorithm than the quick start's waits in the store to take over later.
    const keys = await runCli(['keys', 'list', '--json'], { ...env, BULWARK_DATA_DIR: join(dir, 'data') });
    assert.equal(keys.code, 0, keys.stderr);
    const listed = JSON.parse(keys.stdout) as { kid: string; alg: string; state: string }[];
    assert.deepEqual(
      listed.filter((k) => k.state !== 'removed' && k.alg !== 'ES256'),
      [],
      keys.stdout,
    );
    // The console's Rotate button (a next key of the configured setup; 409 while one waits).
    const rotate = await fetch(`${base}/api/keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(rotate.status, 201, await rotate.clone().text());
  });
});
