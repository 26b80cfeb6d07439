import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sql, type Migration } from 'kysely';
import { processClaimOwner } from '../../src/payroll/idempotency/claim-owner.js';
import { idempotencyKeysRepo } from '../../src/payroll/idempotency/idempotency-keys-repo.js';
import { payrollMigrations } from '../../src/payroll/index.js';
import { openStore } from '../../src/store/index.js';
import { payrollDb } from './kill-payment.js';

describe('the claim-lease migration', () => {
  it('gives claims made before it a lease of their old 30 s, so a takeover works on them too', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-lease-migration-'));
    try {
      const before = await openStore({
        dataDir,
        migrations: { '0002_payroll': payrollMigrations['0002_payroll'] as Migration },
      });
      await sql`insert into idempotency_keys (key, actor, route, request_hash, status, created_at, expires_at)
        values ('old-key', 'u1', 'payments.create', 'h', 'in_progress', 1000, 90000000)`.execute(before.db);
      await before.close();
      const after = await openStore({ dataDir, migrations: payrollMigrations });
      try {
        const row = await idempotencyKeysRepo(payrollDb(after.db)).find({
          key: 'old-key',
          actor: 'u1',
          route: 'payments.create',
        });
        assert.deepEqual(
          { owner: row?.owner, claimId: row?.claimId, leaseUntil: row?.leaseUntil },
          { owner: '', claimId: '', leaseUntil: 31_000 },
        );
        assert.equal(processClaimOwner.abandoned(row as NonNullable<typeof row>, 31_000), true);
        assert.equal(processClaimOwner.abandoned(row as NonNullable<typeof row>, 30_999), false);
      } finally {
        await after.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
