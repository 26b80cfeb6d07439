import { useMemo, useState } from 'preact/hooks';
import { ProblemAlert } from '../components/problem';
import { dateTime } from '../format';
import type { AuditEvent, UserRecord } from '../types';
import { useAll, useList } from '../use-list';

/** The event types the server records (src/auth/audit/audit-log.ts and the payroll audit); any other can be typed. */
const KNOWN_TYPES = [
  'login.succeeded', 'login.failed', 'refresh.reused', 'refresh.reused_within_window', 'session.logout', 'session.revoked',
  'sessions.revoked', 'password.changed', 'user.created', 'user.updated', 'key.rotated', 'token.revoked',
  'payment.issued', 'payment.reversed', 'employee.created', 'employee.updated',
];

/** The audit log, newest first, filtered by event type. */
export function AuditView() {
  const [type, setType] = useState('');
  const [draft, setDraft] = useState('');
  const list = useList<AuditEvent>('/api/audit-events', { type, limit: 50 });
  const users = useAll<UserRecord>('/api/users');
  const names = useMemo(() => new Map(users.items.map((user) => [user.id, user.username])), [users.items]);
  const who = (id: string | null) => (id === null ? '—' : names.get(id) ?? id);

  return (
    <section aria-labelledby="audit-heading">
      <h1 id="audit-heading">Audit log</h1>
      <form class="filters" aria-label="Filter events" onSubmit={(event) => { event.preventDefault(); setType(draft.trim()); }}>
        <label>Event type
          <input list="audit-types" value={draft} onInput={(event) => setDraft(event.currentTarget.value)} placeholder="all types" />
        </label>
        <datalist id="audit-types">{KNOWN_TYPES.map((known) => <option key={known} value={known} />)}</datalist>
        <button type="submit">Apply filter</button>
      </form>
      <ProblemAlert error={list.error} />
      <table class="list" aria-label="Audit events">
        <thead>
          <tr><th>When</th><th>Type</th><th>Actor</th><th>Target</th><th>Address</th><th>Details</th></tr>
        </thead>
        <tbody>
          {list.items.map((event) => (
            <tr key={event.id}>
              <td>{dateTime(event.at)}</td>
              <td class="mono">{event.type}</td>
              <td>{who(event.actor_id)}</td>
              <td>{who(event.target_id)}</td>
              <td>{event.ip ?? '—'}</td>
              <td class="mono details">{Object.keys(event.details).length === 0 ? '' : JSON.stringify(event.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!list.loading && list.items.length === 0 && list.error === undefined && <p>No events match.</p>}
      {list.hasMore && <button type="button" onClick={list.more} disabled={list.loading}>More</button>}
    </section>
  );
}
