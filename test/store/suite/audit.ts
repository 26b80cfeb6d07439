import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditEvent } from '../../../src/store/types.js';
import { assertRejectsBadCursors, collectPages } from './pages.js';
import { T0, freshStore, makeEvent } from './fixtures.js';
import type { OpenStore } from './fixtures.js';

const newestFirst = (a: AuditEvent, b: AuditEvent): number => b.at - a.at || (a.id < b.id ? 1 : -1);

export function auditSuite(open: OpenStore): void {
  describe('audit events', () => {
    const store = freshStore(open);
    const types = ['login.succeeded', 'login.failed', 'user.updated'];
    const events = Array.from({ length: 11 }, (_, i) =>
      makeEvent({
        id: `e-${String(i).padStart(2, '0')}`,
        at: T0 + (i % 4) * 1000,
        type: types[i % 3] ?? 'x',
        actorId: i % 2 === 0 ? 'admin-1' : null,
        targetId: `u-${i}`,
        ip: i % 2 === 0 ? '127.0.0.1' : null,
        details: { i },
      }),
    );

    it('appends and lists newest first across pages', async () => {
      for (const e of events) await store().audit.append(e);
      const pages = await collectPages((p) => store().audit.list({}, p), 4);
      assert.deepEqual(
        pages.map((p) => p.length),
        [4, 4, 3],
      );
      assert.deepEqual(pages.flat(), [...events].sort(newestFirst));
    });

    it('filters by type, by actor, and by both', async () => {
      const list = async (filter: { type?: string; actorId?: string }): Promise<AuditEvent[]> =>
        (await collectPages((p) => store().audit.list(filter, p), 2)).flat();
      const want = (pred: (e: AuditEvent) => boolean): AuditEvent[] => events.filter(pred).sort(newestFirst);
      assert.deepEqual(
        await list({ type: 'login.failed' }),
        want((e) => e.type === 'login.failed'),
      );
      assert.deepEqual(
        await list({ actorId: 'admin-1' }),
        want((e) => e.actorId === 'admin-1'),
      );
      assert.deepEqual(
        await list({ type: 'user.updated', actorId: 'admin-1' }),
        want((e) => e.type === 'user.updated' && e.actorId === 'admin-1'),
      );
      assert.deepEqual(await store().audit.list({ type: 'nothing' }, { limit: 5 }), {
        items: [],
        nextCursor: null,
      });
    });

    it('round-trips details JSON', async () => {
      const details = {
        reason: 'refresh_reuse',
        nested: { list: [1, 'two', null, true, { deep: 2.5 }] },
        text: 'ünïcødé ✓ "quoted" \\ slash',
        empty: {},
      };
      const event = makeEvent({ id: 'e-json', at: T0 - 1000, type: 'json.test', details });
      await store().audit.append(event);
      const { items } = await store().audit.list({ type: 'json.test' }, { limit: 1 });
      assert.deepEqual(items, [event]);
    });

    it('rejects malformed cursors with InvalidRequestError', async () => {
      await assertRejectsBadCursors((p) => store().audit.list({}, p));
    });
  });
}
