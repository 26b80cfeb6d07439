import { useMemo, useState } from 'preact/hooks';
import { describeEvent, type Names } from '../audit-words';
import { ProblemAlert } from '../components/problem';
import { Empty, ListTable } from '../components/table';
import { dateTime } from '../format';
import type { AuditEvent, Employee, UserRecord } from '../types';
import { useAll, useList } from '../use-list';

/** The event types the server records (src/auth/audit/audit-log.ts and the payroll audit); any other can be typed. */
const KNOWN_TYPES = [
  'login.succeeded',
  'login.failed',
  'refresh.reused',
  'refresh.reused_within_window',
  'session.logout',
  'session.revoked',
  'sessions.revoked',
  'password.changed',
  'user.created',
  'user.updated',
  'key.rotated',
  'token.revoked',
  'payment.issued',
  'payment.reversed',
  'employee.created',
  'employee.updated',
];

interface Filters {
  type: string;
  actor: string;
  since: string;
  before: string;
}
const NO_FILTERS: Filters = { type: '', actor: '', since: '', before: '' };

/** A local date (YYYY-MM-DD) as the RFC 3339 time its day starts; `nextDay` for an inclusive "to". */
function dayStart(date: string, nextDay = false): string | undefined {
  if (date === '') return undefined;
  const day = new Date(`${date}T00:00:00`);
  if (nextDay) day.setDate(day.getDate() + 1);
  return Number.isNaN(day.getTime()) ? undefined : day.toISOString();
}

/** The audit log, newest first, in words (who did what to whom), filtered by actor, type and date; the raw event a click away. */
export function AuditView() {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const list = useList<AuditEvent>('/api/audit-events', {
    type: filters.type,
    actor: filters.actor,
    since: dayStart(filters.since),
    before: dayStart(filters.before, true),
    limit: 50,
  });
  const users = useAll<UserRecord>('/api/users');
  const employees = useAll<Employee>('/api/employees');
  const names = useMemo<Names>(() => {
    const userNames = new Map(users.items.map((user) => [user.id, user.username]));
    const employeeNames = new Map(employees.items.map((employee) => [employee.id, employee.name]));
    return {
      user: (id) => (id === null ? undefined : userNames.get(id)),
      employee: (id) => (typeof id === 'string' ? employeeNames.get(id) : undefined),
    };
  }, [users.items, employees.items]);
  const set = (name: keyof Filters) => (event: { currentTarget: { value: string } }) =>
    setDraft({ ...draft, [name]: event.currentTarget.value });

  return (
    <section aria-labelledby="audit-heading">
      <h1 id="audit-heading">Audit log</h1>
      <form
        class="filters"
        aria-label="Filter events"
        onSubmit={(event) => {
          event.preventDefault();
          setFilters({ ...draft, type: draft.type.trim() });
        }}
      >
        <label>
          Actor
          <select value={draft.actor} onChange={set('actor')}>
            <option value="">Anyone</option>
            {users.items.map((user) => (
              <option key={user.id} value={user.id}>
                {user.username}
              </option>
            ))}
          </select>
        </label>
        <label>
          Event type
          <input list="audit-types" value={draft.type} onInput={set('type')} placeholder="all types" />
        </label>
        <datalist id="audit-types">
          {KNOWN_TYPES.map((known) => (
            <option key={known} value={known} />
          ))}
        </datalist>
        <label>
          From date <input type="date" value={draft.since} onInput={set('since')} />
        </label>
        <label>
          To date <input type="date" value={draft.before} onInput={set('before')} />
        </label>
        <button type="submit">Apply filter</button>
        <button
          type="reset"
          onClick={() => {
            setDraft(NO_FILTERS);
            setFilters(NO_FILTERS);
          }}
        >
          Clear
        </button>
      </form>
      <ProblemAlert error={list.error} />
      <ListTable label="Audit events" head={['When', 'What happened', 'Type', 'Address', 'Raw event']}>
        {list.items.map((event) => (
          <tr key={event.id}>
            <td data-label="When">{dateTime(event.at)}</td>
            <td data-label="What happened" class="sentence">
              {describeEvent(event, names)}
            </td>
            <td data-label="Type" class="mono event-type">
              {event.type}
            </td>
            <td data-label="Address">{event.ip ?? '—'}</td>
            <td data-label="Raw event">
              <details>
                <summary>Raw event</summary>
                <pre class="raw">{JSON.stringify(event, null, 2)}</pre>
              </details>
            </td>
          </tr>
        ))}
      </ListTable>
      {!list.loading && list.items.length === 0 && list.error === undefined && <Empty>No events match.</Empty>}
      {list.hasMore && (
        <button type="button" onClick={list.more} disabled={list.loading}>
          More
        </button>
      )}
    </section>
  );
}
