import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { freePort, startServe, type ServerProcess } from '../helpers/process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const HEADING = '## Secure your own API';
const INVENTORY = 'https://inventory.example.com/api';

function secureBlock(): string {
  const from = README.indexOf(`\n${HEADING}\n`);
  assert.ok(from >= 0, `README has no "${HEADING}"`);
  const match = /```sh\n([\s\S]*?)```/.exec(README.slice(from));
  assert.ok(match?.[1] !== undefined, `no sh block after "${HEADING}"`);
  return match[1];
}

/**
 * The README's "Secure your own API" block as a newcomer runs it, against a running quick start,
 * with the two fixed ports (3000, 4100) swapped for free ones. Added around it, and nothing else:
 * the background service's pid is written down (so the test stops it by pid), the curls wait
 * until the service listens (a person typing line by line does), and the token is kept for the
 * checks of the paragraph below the block.
 */
describe('the README\'s "Secure your own API" block, run verbatim', { timeout: 120_000 }, () => {
  let dir: string;
  let port: number;
  let servicePort: number;
  let server: ServerProcess | undefined;
  const servicePid = () => {
    const file = join(dir, 'service.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-secure-'));
    symlinkSync(join(ROOT, 'bin'), join(dir, 'bin'));
    symlinkSync(join(ROOT, 'examples'), join(dir, 'examples'));
    [port, servicePort] = [await freePort(), await freePort()];
    server = await startServe({
      PORT: String(port),
      HOST: '127.0.0.1',
      BULWARK_ISSUER: `http://localhost:${port}`,
      BULWARK_DATA_DIR: join(dir, 'data'),
    });
  });
  after(async () => {
    const pid = servicePid();
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers the API, a role and a user; the read answers 200, the write 403; a payroll token and a logged-out one get 401', async () => {
    const block = secureBlock().replaceAll(':3000', `:${port}`).replaceAll('4100', String(servicePort));
    const lines = block.split('\n');
    const started = lines.findIndex((l) => l.trimEnd().endsWith('&'));
    assert.ok(started > 0, 'the block starts the service in the background');
    const waitForService = `echo $! > service.pid\nfor i in $(seq 150); do curl -s -o /dev/null http://127.0.0.1:${servicePort}/items && break; sleep 0.1; done`;
    const script = [
      'set -euo pipefail',
      ...lines.slice(0, started + 1),
      waitForService,
      ...lines.slice(started + 1),
      `printf '%s' "$AT" > at.txt`,
    ].join('\n');
    const run = await bash(script, dir);
    assert.equal(run.code, 0, run.output);
    assert.doesNotMatch(run.output, /bulwark: /, 'no command failed or warned');

    const outputLines = run.output.split('\n');
    assert.ok(outputLines.includes('{"items":[]}'), `the read answered the empty list:\n${run.output}`);
    const refusal = outputLines.find((l) => l.includes('"status":403'));
    assert.ok(refusal !== undefined, `the write was refused with 403:\n${run.output}`);
    assert.equal((JSON.parse(refusal) as { code: string }).code, 'forbidden', 'as the README says');

    // The paragraph below the block.
    const token = readFileSync(join(dir, 'at.txt'), 'utf8');
    const claims = decodeJwt(token);
    assert.equal(claims.aud, INVENTORY);
    assert.equal(claims.scope, 'inventory:read');
    assert.deepEqual(claims.roles, ['stock-clerk']);
    const items = `http://127.0.0.1:${servicePort}/items`;
    const write = await fetch(items, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'M8 bolts', stock: 500 }),
    });
    assert.equal(write.status, 403);
    assert.equal(
      write.headers.get('www-authenticate'),
      'Bearer realm="bulwark", error="insufficient_scope", scope="inventory:write"',
    );
    const payrollLogin = await fetch(`http://127.0.0.1:${port}/api/users-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'erin', password: 'a long passphrase here' }),
    });
    assert.equal(payrollLogin.status, 201, await payrollLogin.clone().text());
    const payrollToken = ((await payrollLogin.json()) as { access_token: string }).access_token;
    assert.equal(decodeJwt(payrollToken).aud, 'payroll');
    const wrongAudience = await fetch(items, { headers: { authorization: `Bearer ${payrollToken}` } });
    assert.equal(wrongAudience.status, 401);
    assert.equal(((await wrongAudience.json()) as { code: string }).code, 'invalid_token');

    const logout = await fetch(`http://127.0.0.1:${port}/api/users-sessions/current`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(logout.status, 204);
    const deadline = Date.now() + 1_000;
    let status = 200;
    while (Date.now() < deadline) {
      status = (await fetch(items, { headers: { authorization: `Bearer ${token}` } })).status;
      if (status === 401) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(status, 401, 'the logout reached the service within a second');
  });
});

/**
 * Runs the script with its output in a file: the service it starts in the background keeps the
 * same output open after the script ends, so a pipe would not close until the service stops.
 */
function bash(script: string, cwd: string): Promise<{ code: number | null; output: string }> {
  const log = join(cwd, 'run.log');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `exec > ${JSON.stringify(log)} 2>&1\n${script}`], {
      cwd,
      env: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, HOME: cwd },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output: readFileSync(log, 'utf8') }));
  });
}
