// test-runner: serial (two instances race on every key; a busy machine would change the interleavings)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { paymentBody } from '../payroll/fixture.js';
import { demoPassword, startServe, type ServerProcess } from '../helpers/process.js';
import { createTestSchema, SKIP_POSTGRES } from '../helpers/postgres.js';

/** Inside the default BULWARK_CLOCK_SKEW (30 s), as in the issue's probe. */
const SKEW = '+20s';
const RACES = 40;
/** libfaketime itself, preloaded into B's node (the `faketime` wrapper would stand between the test and the process it stops). */
const LIBFAKETIME = ['x86_64-linux-gnu', 'aarch64-linux-gnu']
  .map((arch) => `/usr/lib/${arch}/faketime/libfaketime.so.1`)
  .find((path) => existsSync(path));
const skip =
  SKIP_POSTGRES !== false
    ? SKIP_POSTGRES
    : LIBFAKETIME !== undefined
      ? false
      : 'libfaketime not installed (Debian: faketime)';
if (skip !== false) it('two instances 20 s apart', { skip }, () => undefined);

interface Login {
  access_token: string;
}

/**
 * Two real instances on one Postgres schema, B's clock 20 s ahead under libfaketime. The same
 * Idempotency-Key sent to both at once: each pair answers two 201s (one a replay of the other),
 * never a 409, and pays once. Leases are written and judged on the database's clock, so neither
 * instance sees the other's live claim as lapsed.
 */
describe(
  `two instances ${SKEW} apart (libfaketime) on one Postgres: concurrent duplicates, no 409, one payment each`,
  { skip },
  () => {
    let schema: Awaited<ReturnType<typeof createTestSchema>>;
    let a: ServerProcess;
    let b: ServerProcess;
    const dirs: string[] = [];
    let admin: Login;
    let employeeId: string;

    before(async () => {
      schema = await createTestSchema('bulwark_skew');
      const dir = () => {
        const path = mkdtempSync(join(tmpdir(), 'bulwark-skew-'));
        dirs.push(path);
        return path;
      };
      const shared = {
        BULWARK_DATABASE_URL: schema.url,
        BULWARK_MASTER_KEY: randomBytes(32).toString('base64url'),
        BULWARK_ISSUER: 'http://bulwark-skew.test',
        BULWARK_LOG_LEVEL: 'warn',
        BULWARK_WRITES_PER_USER_PER_MINUTE: '100000',
      };
      a = await startServe({ ...shared, BULWARK_DATA_DIR: dir(), BULWARK_DEMO: '1' }, [], 30_000);
      b = await startServe(
        {
          ...shared,
          BULWARK_DATA_DIR: dir(),
          BULWARK_DEMO: '0',
          LD_PRELOAD: LIBFAKETIME as string,
          FAKETIME: SKEW,
          FAKETIME_NO_CACHE: '1',
          FAKETIME_DONT_FAKE_MONOTONIC: '1',
        },
        [],
        30_000,
      );
      const login = await fetch(`${a.url}/api/users-sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: demoPassword(dirs[0] as string, 'alice') }),
      });
      assert.equal(login.status, 201);
      admin = (await login.json()) as Login;
      const employees = (await (
        await fetch(`${a.url}/api/employees`, { headers: { authorization: `Bearer ${admin.access_token}` } })
      ).json()) as { items: Array<{ id: string }> };
      employeeId = employees.items[0]?.id ?? '';
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await schema?.drop();
      for (const path of dirs) rmSync(path, { recursive: true, force: true });
    });

    it("B's clock really is ahead (the date it answers with)", async () => {
      const dates = await Promise.all(
        [a, b].map(async (server) => Date.parse((await fetch(`${server.url}/healthz`)).headers.get('date') ?? '')),
      );
      const ahead = (dates[1] ?? 0) - (dates[0] ?? 0);
      assert.ok(ahead >= 18_000 && ahead <= 22_000, `B is ${ahead} ms ahead`);
    });

    it(`${RACES} keys, each sent to A and B at once: no 409, every answer 201, one payment per key`, async () => {
      const run = `skew-${randomBytes(4).toString('hex')}`;
      const pay = (server: ServerProcess, key: string) =>
        fetch(`${server.url}/api/payments`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${admin.access_token}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          body: JSON.stringify(paymentBody(employeeId, { amount_cents: 777, memo: `${run} ${key}` })),
        });
      const statuses: number[] = [];
      for (let i = 0; i < RACES; i++) {
        const key = `${run}-${i}`;
        // Both orders, and a second duplicate to the instance that did not start first.
        const servers = i % 2 === 0 ? [a, b, b] : [b, a, a];
        const answers = await Promise.all(servers.map((server) => pay(server, key)));
        for (const answer of answers) {
          statuses.push(answer.status);
          await answer.body?.cancel();
        }
      }
      assert.deepEqual(
        statuses.filter((s) => s !== 201),
        [],
        `every answer 201: ${statuses.filter((s) => s !== 201).length} were not`,
      );
      const client = new pg.Client({ connectionString: schema.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ memo: string; n: string }>(
          `select memo, count(*) as n from payments where memo like $1 group by memo`,
          [`${run} %`],
        );
        assert.equal(rows.length, RACES, 'every key paid');
        assert.deepEqual(
          rows.filter((r) => Number(r.n) !== 1),
          [],
          'each exactly once',
        );
      } finally {
        await client.end();
      }
    });
  },
);
