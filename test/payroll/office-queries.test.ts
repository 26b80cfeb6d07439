import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { idem, payrollFixture, type PayrollFixture } from './fixture.js';

interface Payment {
  id: string;
  employee_id: string;
  amount_cents: number;
  currency: string;
  period: string;
  kind: string;
  created_at: string;
}
interface Employee {
  id: string;
  name: string;
  department: string;
}
interface Total {
  period: string;
  currency: string;
  total_cents: number;
  count: number;
}
interface Session {
  id: string;
  user_id: string;
  device: string;
  ip: string | null;
  last_used_at: string;
}
interface AuditEvent {
  id: string;
  at: string;
  type: string;
  actor_id: string | null;
  details: Record<string, unknown>;
}

/** What a payroll office asks of the API (issue #21): searches, newest first, totals, the reversal's reason, sessions and audit in full. */
describe('payroll office queries', () => {
  let f: PayrollFixture;
  before(async () => {
    f = await payrollFixture();
  });
  after(() => f.close());

  const employees = async (query: string, role: 'admin' | 'clerk' | 'employee' = 'admin') => {
    const res = await f.as(role, { url: `/api/employees?limit=100&${query}` });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<{ items: Employee[] }>().items;
  };
  const payments = async (query: string, role: 'admin' | 'clerk' | 'employee' = 'clerk') => {
    const res = await f.as(role, { url: `/api/payments?${query}` });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<{ items: Payment[]; next_cursor: string | null }>();
  };
  const totals = async (query: string, role: 'admin' | 'clerk' | 'employee' = 'clerk') => {
    const res = await f.as(role, { url: `/api/payments/totals?${query}` });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<{ items: Total[] }>().items;
  };

  it('employees: q finds names containing the text in any case, department narrows exactly, both combine', async () => {
    const someone = f.everyone[3];
    assert.ok(someone);
    const part = someone.name.split(' ')[0]?.slice(1, 4).toUpperCase() ?? '';
    const found = await employees(`q=${encodeURIComponent(part)}`);
    assert.ok(found.some((e) => e.id === someone.id));
    assert.ok(found.every((e) => e.name.toLowerCase().includes(part.toLowerCase())));
    const inDepartment = await employees(`department=${encodeURIComponent(someone.department)}`);
    assert.deepEqual(
      inDepartment.map((e) => e.id).sort(),
      f.everyone
        .filter((e) => e.department === someone.department)
        .map((e) => e.id)
        .sort(),
    );
    assert.deepEqual(
      (
        await employees(`q=${encodeURIComponent(someone.name)}&department=${encodeURIComponent(someone.department)}`)
      ).map((e) => e.id),
      [someone.id],
    );
    assert.deepEqual(await employees('q=%25'), [], '% is a character, not a wildcard');
    assert.deepEqual(await employees('q=_'), [], '_ is a character, not a wildcard');
  });

  it("employees: an employee's search sees only themselves; an empty or oversized q is 400", async () => {
    assert.deepEqual(
      (await employees(`q=${encodeURIComponent(f.carol.name)}`, 'employee')).map((e) => e.id),
      [f.carol.id],
    );
    assert.deepEqual(await employees(`q=${encodeURIComponent(f.other.name)}`, 'employee'), []);
    assert.equal((await f.as('admin', { url: '/api/employees?q=' })).statusCode, 400);
    assert.equal((await f.as('admin', { url: `/api/employees?q=${'x'.repeat(101)}` })).statusCode, 400);
  });

  it('payments: order=desc lists newest first with working cursors, the reverse of the default order', async () => {
    const ascending = (await payments('limit=100')).items;
    const page1 = await payments('order=desc&limit=7');
    assert.ok(page1.next_cursor);
    const rest = await payments(`order=desc&limit=100&cursor=${page1.next_cursor}`);
    const descending = [...page1.items, ...rest.items];
    assert.deepEqual(
      descending.map((p) => p.id),
      [...ascending].reverse().map((p) => p.id),
    );
    assert.equal((await f.as('clerk', { url: '/api/payments?order=newest' })).statusCode, 400);
  });

  it('payments: kind filters payments or reversals', async () => {
    const reversed = await f.as('admin', {
      method: 'POST',
      url: `/api/payments/${f.otherPayment.id}/reversal`,
      headers: idem(),
      payload: { memo: 'paid twice' },
    });
    assert.equal(reversed.statusCode, 201);
    const reversals = (await payments('kind=reversal&limit=100')).items;
    assert.ok(reversals.length >= 1 && reversals.every((p) => p.kind === 'reversal'));
    const onlyPayments = (await payments('kind=payment&limit=100')).items;
    assert.ok(onlyPayments.length > 0 && onlyPayments.every((p) => p.kind === 'payment'));
    assert.equal((await f.as('clerk', { url: '/api/payments?kind=refund' })).statusCode, 400);
  });

  it('totals: per period and currency, the sums of what the list shows with the same filters', async () => {
    const all = (await payments('limit=100')).items;
    const expected = new Map<string, { total: number; count: number }>();
    for (const p of all) {
      const key = `${p.period} ${p.currency}`;
      const line = expected.get(key) ?? { total: 0, count: 0 };
      expected.set(key, { total: line.total + p.amount_cents, count: line.count + 1 });
    }
    const lines = await totals('');
    assert.deepEqual(
      new Map(lines.map((t) => [`${t.period} ${t.currency}`, { total: t.total_cents, count: t.count }])),
      expected,
    );
    const periods = lines.map((t) => t.period);
    assert.deepEqual(periods, [...periods].sort().reverse(), 'newest period first');

    const someone = await totals(`employee_id=${f.other.id}&kind=payment&from=2026-09&to=2026-10`);
    const theirs = all.filter(
      (p) => p.employee_id === f.other.id && p.kind === 'payment' && p.period >= '2026-09' && p.period <= '2026-10',
    );
    assert.equal(
      someone.reduce((sum, t) => sum + t.total_cents, 0),
      theirs.reduce((sum, p) => sum + p.amount_cents, 0),
    );
    assert.ok(someone.every((t) => t.period >= '2026-09' && t.period <= '2026-10'));
    assert.equal((await f.as('clerk', { url: '/api/payments/totals?from=2026-13' })).statusCode, 400);
  });

  it("totals: an employee sums only their own payments, another's filter is empty", async () => {
    const own = (await payments('limit=100', 'employee')).items;
    const lines = await totals('', 'employee');
    assert.equal(
      lines.reduce((sum, t) => sum + t.total_cents, 0),
      own.reduce((sum, p) => sum + p.amount_cents, 0),
    );
    assert.deepEqual(await totals(`employee_id=${f.other.id}`, 'employee'), []);
    assert.equal((await f.h.app.inject({ url: '/api/payments/totals' })).statusCode, 401);
  });

  it("a reversal's memo is kept as the reason in its audit event", async () => {
    const res = await f.as('admin', {
      method: 'POST',
      url: `/api/payments/${f.carolPayment.id}/reversal`,
      headers: idem(),
      payload: { memo: 'wrong period' },
    });
    assert.equal(res.statusCode, 201);
    const events = await f.h.store.audit.list({ type: 'payment.reversed' }, { limit: 100 });
    const event = events.items.find((e) => e.targetId === f.carolPayment.id);
    assert.equal(event?.details.reason, 'wrong period');
  });

  it('admin sessions show the device, address and last use as the own-sessions list does', async () => {
    const res = await f.as('admin', { url: '/api/sessions?limit=100' });
    assert.equal(res.statusCode, 200);
    const all = res.json<{ items: Session[] }>().items;
    const own = (await f.as('clerk', { url: '/api/users/me/sessions' })).json<{ items: Session[] }>().items;
    assert.ok(own.length > 0);
    for (const mine of own) {
      const seen = all.find((s) => s.id === mine.id);
      assert.deepEqual([seen?.device, seen?.ip, seen?.last_used_at], [mine.device, mine.ip, mine.last_used_at]);
    }
  });

  it('audit events: since and before bound the time, with actor and type', async () => {
    const list = async (query: string) => {
      const res = await f.as('admin', { url: `/api/audit-events?limit=100&${query}` });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ items: AuditEvent[] }>().items;
    };
    const all = await list('');
    assert.ok(all.length >= 2);
    const pivot = all[Math.floor(all.length / 2)];
    assert.ok(pivot);
    const since = await list(`since=${encodeURIComponent(pivot.at)}`);
    assert.ok(since.length > 0 && since.every((e) => e.at >= pivot.at));
    const before = await list(`before=${encodeURIComponent(pivot.at)}`);
    assert.ok(before.every((e) => e.at < pivot.at));
    assert.equal(since.length + before.length, all.length);
    const mine = await list(`actor=${f.adminId}&type=payment.reversed&since=2000-01-01T00:00:00Z`);
    assert.ok(mine.length > 0 && mine.every((e) => e.actor_id === f.adminId && e.type === 'payment.reversed'));
    assert.equal((await f.as('admin', { url: '/api/audit-events?since=yesterday' })).statusCode, 400);
  });
});
