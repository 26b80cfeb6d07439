// test-runner: serial (fills a file system of its own; bounds the answers' latency)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { paymentBody } from '../payroll/fixture.js';
import { demoPassword, startServe, type ServerProcess } from '../helpers/process.js';
import { until } from '../revocation/helpers.js';

/** Room for the demo database and its WAL; the rest is filled by the test. */
const FS_SIZE = '24m';
const skip = userInfo().uid === 0 ? false : 'needs root to mount a small tmpfs (the full-disk test)';
if (skip !== false) it('SQLite on a full disk', { skip }, () => undefined);

interface Login {
  access_token: string;
}

/** Writes a file until the file system is full; returns its path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  // The last few blocks too.
  const small = Buffer.alloc(512, 1);
  const tail = openSync(path, 'a');
  try {
    for (;;) writeSync(tail, small);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(tail);
  }
  return path;
}

/**
 * A real `bulwark serve` whose SQLite data dir is a small tmpfs of the test's own: writes answer
 * 503 service_unavailable with Retry-After (never a 500: SQLite's own rollback after SQLITE_FULL
 * used to surface as "cannot rollback - no transaction is active"), /readyz answers 503 (its
 * probe commits a write), and both recover once space returns.
 */
describe('SQLite on a full disk: 503s with Retry-After, no 500, readiness 503, recovery', { skip }, () => {
  let mount: string;
  let server: ServerProcess;
  let admin: Login;
  let employeeId: string;

  const pay = (key: string) =>
    fetch(`${server.url}/api/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${admin.access_token}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify(paymentBody(employeeId, { amount_cents: 1_234, memo: `full disk ${key}` })),
    });

  before(async () => {
    mount = mkdtempSync(join(tmpdir(), 'bulwark-full-'));
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${FS_SIZE}`, 'tmpfs', mount], { encoding: 'utf8' });
    assert.equal(mounted.status, 0, mounted.stderr);
    server = await startServe(
      {
        BULWARK_DATA_DIR: mount,
        BULWARK_DEMO: '1',
        BULWARK_MASTER_KEY: randomBytes(32).toString('base64url'),
        BULWARK_LOG_LEVEL: 'fatal',
        BULWARK_WRITES_PER_USER_PER_MINUTE: '100000',
      },
      [],
      30_000,
    );
    const login = await fetch(`${server.url}/api/users-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: demoPassword(mount, 'alice') }),
    });
    admin = (await login.json()) as Login;
    const employees = (await (
      await fetch(`${server.url}/api/employees`, { headers: { authorization: `Bearer ${admin.access_token}` } })
    ).json()) as { items: Array<{ id: string }> };
    employeeId = employees.items[0]?.id ?? '';
  });
  after(async () => {
    await server?.stop();
    if (mount !== undefined) {
      spawnSync('umount', [mount]);
      rmSync(mount, { recursive: true, force: true });
    }
  });

  it('writes and readiness answer 503 with Retry-After while the disk is full (never 500), and recover when space returns', async () => {
    assert.equal((await pay('before')).status, 201);
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
    const filler = fill(mount);

    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const response = await pay(`full-${i}`);
      statuses.push(response.status);
      if (response.status === 503) {
        assert.equal(((await response.json()) as { code: string }).code, 'service_unavailable');
        assert.match(response.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
      } else await response.body?.cancel();
    }
    assert.deepEqual(
      statuses.filter((s) => s !== 201 && s !== 503),
      [],
      `only 201 (still room in the WAL) or 503: ${statuses.join(',')}`,
    );
    assert.ok(statuses.includes(503), `the full disk is reported: ${statuses.join(',')}`);
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.match(ready.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    // Reads still answer: the database is there, it cannot grow.
    assert.equal(
      (await fetch(`${server.url}/api/users/me`, { headers: { authorization: `Bearer ${admin.access_token}` } }))
        .status,
      200,
    );

    rmSync(filler);
    await until(async () => (await fetch(`${server.url}/readyz`)).status === 200, 10_000, 'ready once space returns');
    const retried = await pay('full-0');
    assert.equal(retried.status, 201, 'a payment refused on the full disk is paid by its retry');
    assert.equal((await pay('after')).status, 201);
  });
});
