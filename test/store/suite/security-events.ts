import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { SecurityEventRecord, Store } from '../../../src/store/types.js';
import { sql } from 'kysely';
import type { SqlStore } from '../../../src/store/sql/store.js';
import { HOUR, T0, freshStore, uid } from './fixtures.js';
import type { OpenStore } from './fixtures.js';

const event = (overrides: Partial<SecurityEventRecord> = {}): SecurityEventRecord => ({
  id: uid('ev'),
  kind: 'sid',
  subject: uid('s'),
  reason: 'logout',
  occurredAt: T0,
  expiresAt: T0 + HOUR,
  ...overrides,
});

/** As if these events had been written `ms` ago: their stamps (logged_at) move back. */
async function backdate(store: Store, ms: number, ...ids: string[]): Promise<void> {
  await sql`update security_events set logged_at = logged_at - ${ms} where id in (${sql.join(ids)})`.execute(
    (store as SqlStore).db,
  );
}

export function securityEventsSuite(open: OpenStore): void {
  describe('security events', () => {
    const store = freshStore(open);
    const events = () => store().securityEvents;
    const stream = async (clientId = uid('client')) => {
      const record = { id: uid('stream'), clientId, createdAt: T0, lastPolledAt: T0 };
      await events().createStream(record);
      return record;
    };

    it('delivers live events in the order they were logged, each until its stream acknowledges it', async () => {
      const a = await stream();
      const b = await stream();
      // Logged in this order, whatever times they cover (a user-wide cut-off lies in the past).
      const first = event({ occurredAt: T0 + 2, kind: 'jti' });
      const expired = event({ occurredAt: T0, expiresAt: T0 + 10 });
      const second = event({ occurredAt: T0 + 1, kind: 'user', reason: null });
      for (const e of [first, expired, second]) await events().append(e);
      await backdate(store(), 2, first.id);
      await backdate(store(), 1, expired.id);
      assert.deepEqual(await events().pending(a.id, T0 + 10, 10), [first, second]);
      assert.deepEqual(await events().pending(a.id, T0 + 10, 1), [first]);
      await events().acknowledge(a.id, [first.id, 'no-such-event'], T0 + 10);
      await events().acknowledge(a.id, [first.id], T0 + 10);
      assert.deepEqual(await events().pending(a.id, T0 + 10, 10), [second]);
      assert.deepEqual(await events().pending(b.id, T0 + 10, 10), [first, second], 'streams are independent');
      await events().acknowledge(a.id, [], T0 + 10);
    });

    it('changes its marker on every append', async () => {
      const before = await events().changeMarker();
      await events().append(event({ occurredAt: T0 - HOUR, expiresAt: T0 + 2 * HOUR }));
      const after = await events().changeMarker();
      assert.notEqual(after, before);
      assert.equal(await events().changeMarker(), after);
    });

    it('finds, lists, touches and deletes streams by client', async () => {
      const clientId = uid('client');
      const one = await stream(clientId);
      const two = { id: uid('stream'), clientId, createdAt: T0 + 5, lastPolledAt: T0 + 5 };
      await events().createStream(two);
      await stream();
      assert.deepEqual(await events().listStreams(clientId), [one, two]);
      await events().touchStream(one.id, T0 + HOUR);
      assert.deepEqual(await events().findStream(one.id), { ...one, lastPolledAt: T0 + HOUR });
      const e = event({ expiresAt: T0 + 5 * HOUR });
      await events().append(e);
      await events().acknowledge(one.id, [e.id], T0);
      assert.equal(await events().deleteStream(one.id), true);
      assert.equal(await events().deleteStream(one.id), false);
      assert.equal(await events().findStream(one.id), undefined);
      assert.deepEqual(await events().listStreams(clientId), [two]);
    });

    it('purges expired events with their acknowledgements, and idle streams', async () => {
      const purgeStore = await open();
      try {
        const log = purgeStore.securityEvents;
        const active = { id: uid('stream'), clientId: 'c', createdAt: T0, lastPolledAt: T0 + HOUR };
        const idle = { id: uid('stream'), clientId: 'c', createdAt: T0, lastPolledAt: T0 };
        await log.createStream(active);
        await log.createStream(idle);
        const old = event({ expiresAt: T0 + 100 });
        const live = event({ expiresAt: T0 + 3 * HOUR });
        await log.append(old);
        await log.append(live);
        await log.acknowledge(active.id, [old.id, live.id], T0);
        await log.acknowledge(idle.id, [old.id], T0);
        assert.deepEqual(await log.purge(T0 + 100, T0 + 1), { events: 1, streams: 1 });
        assert.equal(await log.findStream(idle.id), undefined);
        assert.deepEqual(await log.pending(active.id, 0, 10), [], 'the live event stays acknowledged');
        assert.deepEqual(await log.purge(T0 + 100, T0 + 1), { events: 0, streams: 0 });
      } finally {
        await purgeStore.close();
      }
    });
    describe('watermarks', () => {
      // Each case on a store of its own: what another case appended would be pending here too.
      let own: SqlStore | undefined;
      beforeEach(async () => {
        own = (await open()) as SqlStore;
      });
      afterEach(async () => {
        await own?.close();
        own = undefined;
      });
      const db = () => (own as SqlStore).db;
      const events = () => (own as SqlStore).securityEvents;
      const stream = async () => {
        const record = { id: uid('stream'), clientId: uid('client'), createdAt: T0, lastPolledAt: T0 };
        await events().createStream(record);
        return record;
      };
      const writtenAgo = (ms: number, ...ids: string[]) => backdate(own as Store, ms, ...ids);
      const stamp = async (id: string) =>
        Number(
          (await db().selectFrom('security_events').select('logged_at').where('id', '=', id).executeTakeFirstOrThrow())
            .logged_at,
        );
      const watermark = async (streamId: string) => {
        const row = await db()
          .selectFrom('security_event_streams')
          .select('acked_through')
          .where('id', '=', streamId)
          .executeTakeFirstOrThrow();
        return row.acked_through === null ? null : Number(row.acked_through);
      };
      const live = (n: number) => Array.from({ length: n }, (_, i) => event({ occurredAt: T0 + i + 1 }));

      it('stamps every event as written, by this release and by one that knows no stamp', async () => {
        const ours = event();
        await events().append(ours);
        const older = event();
        // An older release beside this one in a rolling upgrade writes no stamp: the database does.
        await db()
          .insertInto('security_events')
          .values({
            id: older.id,
            kind: older.kind,
            subject: older.subject,
            reason: older.reason,
            occurred_at: older.occurredAt,
            expires_at: older.expiresAt,
          } as never)
          .execute();
        for (const id of [ours.id, older.id]) {
          const at = await stamp(id);
          assert.ok(Math.abs(at - Date.now()) < 60_000, `${id} stamped ${at}`);
        }
      });

      it('moves past settled events the stream acknowledged, up to the first it did not', async () => {
        const a = await stream();
        const [e1, e2, e3, e4] = live(4) as [
          SecurityEventRecord,
          SecurityEventRecord,
          SecurityEventRecord,
          SecurityEventRecord,
        ];
        for (const e of [e1, e2, e3, e4]) await events().append(e);
        await writtenAgo(10_000, e1.id, e2.id, e3.id, e4.id);
        assert.equal(await watermark(a.id), null, 'nothing known before the first acknowledgement');
        await events().acknowledge(a.id, [e1.id, e2.id, e4.id], T0 + 10, 1_000);
        const held = await watermark(a.id);
        assert.ok(held !== null && held < (await stamp(e3.id)), `stopped before the unacknowledged event (${held})`);
        assert.deepEqual(await events().pending(a.id, T0 + 10, 10), [e3]);
        await events().acknowledge(a.id, [e3.id], T0 + 10, 1_000);
        const moved = await watermark(a.id);
        assert.ok(moved !== null && moved >= (await stamp(e4.id)), `past every acknowledged event (${moved})`);
        assert.deepEqual(await events().pending(a.id, T0 + 10, 10), []);
        const next = event({ occurredAt: T0 - HOUR });
        await events().append(next);
        assert.deepEqual(
          await events().pending(a.id, T0 + 10, 10),
          [next],
          'a later write is delivered, whatever it says it covers',
        );
      });

      it('never passes an event written within the settling time, however late it commits', async () => {
        const a = await stream();
        const [first, second] = live(2) as [SecurityEventRecord, SecurityEventRecord];
        await events().append(first);
        await events().append(second);
        await writtenAgo(10 * 60_000, first.id, second.id);
        await events().acknowledge(a.id, [first.id, second.id], T0 + 10, 120_000);
        const mark = await watermark(a.id);
        assert.ok(mark !== null && mark >= (await stamp(second.id)), `${mark}`);
        // Stamped a minute before that acknowledgement, committed only after it (a slow write):
        // inside the default settling time, so the watermark stayed below it.
        const late = event({ occurredAt: T0 + 3 });
        await events().append(late);
        await writtenAgo(60_000, late.id);
        assert.ok(mark < (await stamp(late.id)), `${mark}`);
        assert.deepEqual(await events().pending(a.id, T0 + 10, 10), [late]);
      });

      it('is not held back by an event that expired before the stream acknowledged it', async () => {
        const a = await stream();
        const gone = event({ occurredAt: T0 + 1, expiresAt: T0 + 5 });
        const kept = event({ occurredAt: T0 + 2 });
        await events().append(gone);
        await events().append(kept);
        await writtenAgo(10_000, gone.id, kept.id);
        await events().acknowledge(a.id, [kept.id], T0 + 10, 1_000);
        const mark = await watermark(a.id);
        assert.ok(mark !== null && mark >= (await stamp(kept.id)), `${mark}`);
        assert.deepEqual(await events().pending(a.id, T0 + 10, 10), []);
      });

      it('changes the marker for a write stamped before the newest (committed late)', async () => {
        const newest = event();
        await events().append(newest);
        const before = await events().changeMarker();
        const late = event();
        await events().append(late);
        // Within the settling time of either database (EVENT_SETTLE_MS).
        await writtenAgo(2_000, late.id);
        assert.notEqual(await events().changeMarker(), before);
      });
    });
  });
}
