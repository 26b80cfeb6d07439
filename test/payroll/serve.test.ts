import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoPassword, startServe, type ServerProcess } from '../helpers/process.js';

/** `bulwark serve` (built dist/) on an empty data dir: the demo company, carol linked, the README's payroll steps. */
describe('bulwark serve: payroll first start', () => {
  let dataDir: string;
  let server: ServerProcess;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-payroll-e2e-'));
    server = await startServe({ BULWARK_DATA_DIR: dataDir });
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const login = async (username: string): Promise<string> => {
    const response = await fetch(`${server.url}/api/users-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: demoPassword(dataDir, username) }),
    });
    assert.equal(response.status, 201);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const get = async (token: string, path: string) => {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return {
      status: response.status,
      body: (await response.json()) as { items: Array<Record<string, unknown>>; [k: string]: unknown },
    };
  };

  it('seeds ten employees with payments; carol is linked to her own record', async () => {
    const alice = await login('alice');
    const carol = await login('carol');
    const all = await get(alice, '/api/employees?limit=100');
    assert.equal(all.body.items.length, 10);
    const own = await get(carol, '/api/employees');
    assert.equal(own.body.items.length, 1);
    assert.equal(own.body.items[0]?.email, 'carol.nguyen@example.com');
    const claims = JSON.parse(Buffer.from(carol.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      employee_id?: string;
    };
    assert.equal(claims.employee_id, own.body.items[0]?.id);
    const payments = await get(carol, '/api/payments');
    assert.equal(payments.body.items.length, 3);
    assert.ok(payments.body.items.every((p) => p.employee_id === claims.employee_id));
  });

  it('pays idempotently over real HTTP, and bob sees the accounts masked', async () => {
    const alice = await login('alice');
    const carolId = (await get(await login('carol'), '/api/employees')).body.items[0]?.id;
    const pay = () =>
      fetch(`${server.url}/api/payments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json', 'idempotency-key': 'e2e-key' },
        body: JSON.stringify({ employee_id: carolId, amount_cents: 50_000, currency: 'EUR', period: '2026-11' }),
      });
    const first = await pay();
    const again = await pay();
    assert.equal(first.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(await again.text(), await first.text());
    const bob = await login('bob');
    const masked = await get(bob, '/api/employees?limit=100');
    assert.ok(masked.body.items.every((e) => /^[A-Z]{2}\*\*[* ]+/.test(String(e.bank_account))));
  });
});
