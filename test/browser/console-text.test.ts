import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeEvent, type Names } from '../../packages/console/src/audit-words.js';
import { toCsv } from '../../packages/console/src/csv.js';
import type { AuditEvent } from '../../packages/console/src/types.js';

const names: Names = {
  user: (id) => (({ u1: 'alice', u2: 'bob' }) as Record<string, string>)[id ?? ''],
  employee: (id) => (id === 'e1' ? 'Bob Meyer' : undefined),
};
const event = (type: string, details: Record<string, unknown>, target: string | null = null): AuditEvent => ({
  id: 'x',
  at: '2026-10-01T00:00:00Z',
  type,
  actor_id: 'u1',
  target_id: target,
  ip: null,
  details,
});

describe('console text: CSV and the audit log in words', () => {
  it('CSV quotes every text field, doubles quotes, ends lines with CRLF, and defuses formulas', () => {
    assert.equal(
      toCsv([
        ['a "b"', 12, null],
        ['=SUM(A1)', '+1', '-2'],
        ['@x', '\tt', 'line\nbreak'],
      ]),
      '"a ""b""",12,\r\n"\'=SUM(A1)","\'+1","\'-2"\r\n"\'@x","\'\tt","line\nbreak"\r\n',
    );
  });

  it('says who did what to whom', () => {
    assert.equal(
      describeEvent(
        event(
          'payment.reversed',
          { employee_id: 'e1', amount_cents: -10000, currency: 'EUR', period: '2026-10', reason: 'duplicate' },
          'p1',
        ),
        names,
      ),
      "alice reversed Bob Meyer's payment of EUR 100.00 for 2026-10 (reason: duplicate)",
    );
    assert.equal(
      describeEvent(
        event('payment.issued', { employee_id: 'e1', amount_cents: 250000, currency: 'CHF', period: '2026-11' }, 'p2'),
        names,
      ),
      'alice paid Bob Meyer CHF 2500.00 for 2026-11',
    );
    assert.equal(
      describeEvent(
        event(
          'user.updated',
          { changes: { role: { from: 'clerk', to: 'admin' }, disabled: { from: false, to: true } } },
          'u2',
        ),
        names,
      ),
      'alice changed bob: role clerk → admin, disabled',
    );
    assert.equal(
      describeEvent(event('employee.updated', { changed: ['salary_cents', 'title'] }, 'e1'), names),
      "alice changed Bob Meyer's salary cents, title",
    );
    assert.equal(
      describeEvent({ ...event('key.rotated', { via: 'cli', mode: 'now' }, 'k1'), actor_id: null }, names),
      'the command line rotated the signing key (at once)',
    );
    assert.equal(describeEvent(event('client.created', {}, 'u2'), names), 'alice: client created (bob)');
  });
});
