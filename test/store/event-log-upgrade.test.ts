import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Kysely, Migration } from 'kysely';
import { coreMigrations } from '../../src/store/migrations/index.js';
import type { SqlStore } from '../../src/store/index.js';
import { itUpgradesOnBoth, migrateAsRelease } from '../helpers/upgrade.js';

/**
 * The release before the event log's order (0014): its migrations, and rows as it wrote them.
 * `schema`: Postgres's, else kysely may take another schema's bookkeeping table for this one's.
 */
async function makeOldStore(db: Kysely<unknown>, schema?: string): Promise<void> {
  const migrations: Record<string, Migration> = { ...coreMigrations };
  delete migrations['0014_event_log_order'];
  delete migrations['0015_list_order'];
  delete migrations['0016_session_retention'];
  await migrateAsRelease(db, migrations, schema);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the old schema, untyped
  const old = db as Kysely<any>;
  const now = Date.now();
  for (const id of ['acked', 'unacked'])
    await old
      .insertInto('security_events')
      .values({ id, kind: 'sid', subject: `s-${id}`, reason: 'logout', occurred_at: now, expires_at: now + 3_600_000 })
      .execute();
  await old
    .insertInto('security_event_streams')
    .values({ id: 'stream', client_id: 'c', created_at: now, last_polled_at: now })
    .execute();
  await old.insertInto('security_event_acks').values({ stream_id: 'stream', event_id: 'acked' }).execute();
}

async function assertLogKept(store: SqlStore): Promise<void> {
  const now = Date.now();
  const stamps = await store.db.selectFrom('security_events').select(['id', 'logged_at']).execute();
  assert.equal(stamps.length, 2);
  for (const row of stamps) assert.ok(row.logged_at !== null && Math.abs(Number(row.logged_at) - now) < 60_000);
  const pending = await store.securityEvents.pending('stream', now, 10);
  assert.deepEqual(
    pending.map((e) => e.id),
    ['unacked'],
    'what the stream acknowledged before the upgrade stays acknowledged',
  );
  // A settling time of 1 ms, not 0: with 0 the watermark reaches the database's current
  // millisecond, and an event appended within that same millisecond lies at it, not past it.
  await store.securityEvents.acknowledge('stream', ['unacked'], now, 1);
  assert.deepEqual(await store.securityEvents.pending('stream', now, 10), []);
  const later = {
    id: 'later',
    kind: 'sid' as const,
    subject: 's',
    reason: null,
    occurredAt: now,
    expiresAt: now + 60_000,
  };
  await store.securityEvents.append(later);
  assert.deepEqual(await store.securityEvents.pending('stream', now, 10), [later]);
}

describe('upgrade of the security event log (0014_event_log_order)', () => {
  itUpgradesOnBoth(
    'old events are stamped, acknowledgements kept, and the watermark starts from nothing',
    makeOldStore,
    assertLogKept,
  );
});
