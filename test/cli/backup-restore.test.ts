import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoPassword, freePort, runCli, startServe, type ServerProcess } from '../helpers/process.js';

interface Payment {
  id: string;
  amount_cents: number;
  memo: string | null;
}

/**
 * A real server under a payment load; `bulwark backup` run as a separate process mid-load; the
 * payments answered before the backup began are all in the restored data dir, which a new server
 * starts on and issues tokens from (and the old instance's tokens verify there: the keys came too).
 */
describe('bulwark backup / restore: an online SQLite snapshot under write load', () => {
  let dir: string;
  let env: Record<string, string>;
  let base: string;
  let server: ServerProcess | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-backup-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = { PORT: String(port), HOST: '127.0.0.1', BULWARK_WRITES_PER_USER_PER_MINUTE: '1000000' };
    server = await startServe({ ...env, BULWARK_DATA_DIR: join(dir, 'a') });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const login = async (dataDir: string): Promise<string> => {
    const response = await fetch(`${base}/api/users-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: demoPassword(dataDir, 'alice') }),
    });
    assert.equal(response.status, 201);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const auth = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

  it('every payment answered before the backup began is served by an instance restored from it', async () => {
    const token = await login(join(dir, 'a'));
    const employees = (await (await fetch(`${base}/api/employees?limit=3`, { headers: auth(token) })).json()) as {
      items: { id: string }[];
    };
    const employeeId = employees.items[0]?.id as string;
    const answered: { payment: Payment; at: number }[] = [];
    let running = true;
    let sent = 0;
    const loop = async (worker: number) => {
      while (running) {
        const n = sent++;
        const response = await fetch(`${base}/api/payments`, {
          method: 'POST',
          headers: { ...auth(token), 'idempotency-key': `backup-load-${worker}-${n}` },
          body: JSON.stringify({
            employee_id: employeeId,
            amount_cents: 1000 + n,
            currency: 'EUR',
            period: '2026-11',
            memo: `load ${n}`,
          }),
        });
        const body = await response.text();
        assert.equal(response.status, 201, body);
        answered.push({ payment: JSON.parse(body) as Payment, at: performance.now() });
      }
    };
    const workers = [0, 1, 2, 3].map(loop);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const backupStarted = performance.now();
    const file = join(dir, 'snapshot.bulwark-backup');
    const backup = await runCli(['backup', file], { ...env, BULWARK_DATA_DIR: join(dir, 'a') });
    const backupEnded = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
    running = false;
    await Promise.all(workers);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /master\.key/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const before = answered.filter((a) => a.at < backupStarted).map((a) => a.payment);
    const duringOrAfter = answered.filter((a) => a.at > backupEnded).length;
    assert.ok(before.length >= 5, `${before.length} payments before the backup`);
    assert.ok(duringOrAfter > 0, 'the load went on after the backup');
    await server?.stop();
    server = undefined;

    // Restore refuses a data dir with anything in it, and a file that is no backup.
    const refused = await runCli(['restore', file], { ...env, BULWARK_DATA_DIR: join(dir, 'a') });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^bulwark: the data dir .* is not empty/);
    writeFileSync(join(dir, 'not-a-backup'), 'hello');
    const junk = await runCli(['restore', join(dir, 'not-a-backup')], { ...env, BULWARK_DATA_DIR: join(dir, 'junk') });
    assert.equal(junk.code, 1);
    assert.match(junk.stderr, /^bulwark: /);
    assert.deepEqual(
      readdirSync(join(dir, 'junk')).filter((name) => !name.startsWith('.')),
      [],
    );

    const restored = await runCli(['restore', file], { ...env, BULWARK_DATA_DIR: join(dir, 'b') });
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal(statSync(join(dir, 'b', 'master.key')).mode & 0o777, 0o600);
    server = await startServe({ ...env, BULWARK_DATA_DIR: join(dir, 'b') });
    // The old instance's token verifies (its signing key came with the snapshot), and a new login works.
    const me = await fetch(`${base}/api/users/me`, { headers: auth(token) });
    assert.equal(me.status, 200);
    const fresh = await login(join(dir, 'b'));
    for (const payment of before) {
      const read = await fetch(`${base}/api/payments/${payment.id}`, { headers: auth(fresh) });
      assert.equal(read.status, 200, `payment ${payment.id} answered before the backup is missing`);
      const body = (await read.json()) as Payment;
      assert.equal(body.amount_cents, payment.amount_cents);
      assert.equal(body.memo, payment.memo);
    }
    // The restored instance writes too.
    const write = await fetch(`${base}/api/payments`, {
      method: 'POST',
      headers: { ...auth(fresh), 'idempotency-key': 'after-restore' },
      body: JSON.stringify({ employee_id: employeeId, amount_cents: 4242, currency: 'EUR', period: '2026-11' }),
    });
    assert.equal(write.status, 201);
  });

  it('backup refuses an existing file; Postgres is pointed at pg_dump', async () => {
    const file = join(dir, 'exists');
    writeFileSync(file, 'x');
    const exists = await runCli(['backup', file], { BULWARK_DATA_DIR: join(dir, 'b') });
    assert.equal(exists.code, 1);
    assert.match(exists.stderr, /exists already/);
    const postgres = await runCli(['backup', join(dir, 'pg')], {
      BULWARK_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    assert.equal(postgres.code, 1);
    assert.match(postgres.stderr, /pg_dump/);
  });
});
