import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SecurityEventRecord } from '../../../src/store/types.js';
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

export function securityEventsSuite(open: OpenStore): void {
  describe('security events', () => {
    const store = freshStore(open);
    const events = () => store().securityEvents;
    const stream = async (clientId = uid('client')) => {
      const record = { id: uid('stream'), clientId, createdAt: T0, lastPolledAt: T0 };
      await events().createStream(record);
      return record;
    };

    it('delivers live events oldest first, each until its stream acknowledges it', async () => {
      const a = await stream();
      const b = await stream();
      const first = event({ occurredAt: T0 + 1, kind: 'user', reason: null });
      const second = event({ occurredAt: T0 + 2, kind: 'jti' });
      const expired = event({ occurredAt: T0, expiresAt: T0 + 10 });
      for (const e of [second, expired, first]) await events().append(e);
      assert.deepEqual(await events().pending(a.id, T0 + 10, 10), [first, second]);
      assert.deepEqual(await events().pending(a.id, T0 + 10, 1), [first]);
      await events().acknowledge(a.id, [first.id, 'no-such-event']);
      await events().acknowledge(a.id, [first.id]);
      assert.deepEqual(await events().pending(a.id, T0 + 10, 10), [second]);
      assert.deepEqual(await events().pending(b.id, T0 + 10, 10), [first, second], 'streams are independent');
      await events().acknowledge(a.id, []);
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
      await events().acknowledge(one.id, [e.id]);
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
        await log.acknowledge(active.id, [old.id, live.id]);
        await log.acknowledge(idle.id, [old.id]);
        assert.deepEqual(await log.purge(T0 + 100, T0 + 1), { events: 1, streams: 1 });
        assert.equal(await log.findStream(idle.id), undefined);
        assert.deepEqual(await log.pending(active.id, 0, 10), [], 'the live event stays acknowledged');
        assert.deepEqual(await log.purge(T0 + 100, T0 + 1), { events: 0, streams: 0 });
      } finally {
        await purgeStore.close();
      }
    });
  });
}
