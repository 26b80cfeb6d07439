import { useMemo, useState } from 'preact/hooks';
import { useApi } from '../api';
import { ProblemAlert } from '../components/problem';
import { dateTime } from '../format';
import type { Session, UserRecord } from '../types';
import { useAll, useList } from '../use-list';

/**
 * Everyone's own sessions (device, address, last use) with "Revoke"; admins also see
 * everyone's. Revoking one's current session signs this tab out (the API answers 401 next).
 */
export function SessionsView() {
  const { user } = useApi();
  return (
    <section aria-labelledby="sessions-heading">
      <h1 id="sessions-heading">Sessions</h1>
      <SessionTable title="My sessions" listPath="/api/users/me/sessions" revokePath={(id) => `/api/users/me/sessions/${id}`} />
      {user.role === 'admin' && <AllSessions />}
    </section>
  );
}

function AllSessions() {
  const users = useAll<UserRecord>('/api/users');
  const names = useMemo(() => new Map(users.items.map((record) => [record.id, record.username])), [users.items]);
  return <SessionTable title="All sessions" listPath="/api/sessions" revokePath={(id) => `/api/sessions/${id}`} userNames={names} />;
}

interface SessionTableProps {
  title: string;
  listPath: string;
  revokePath(id: string): string;
  /** Set for the all-users table: a User column. */
  userNames?: Map<string, string>;
}

function SessionTable({ title, listPath, revokePath, userNames }: SessionTableProps) {
  const { request } = useApi();
  const list = useList<Session>(listPath, { limit: 50 });
  const [error, setError] = useState<unknown>(undefined);
  const live = list.items.filter((session) => (session.revoked_at ?? null) === null);
  const revoke = async (session: Session) => {
    setError(undefined);
    try {
      await request<void>('DELETE', revokePath(encodeURIComponent(session.id)));
      list.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <>
      <h2>{title}</h2>
      <ProblemAlert error={list.error ?? error} />
      <table class="list" aria-label={title}>
        <thead>
          <tr>{userNames && <th>User</th>}<th>Device</th><th>Address</th><th>Last used</th><th>Signed in</th><th>Expires</th><th>Actions</th></tr>
        </thead>
        <tbody>
          {live.map((session) => (
            <tr key={session.id}>
              {userNames && <td>{userNames.get(session.user_id ?? '') ?? session.user_id}</td>}
              <td>{session.device ?? 'Unknown device'}{session.amr?.includes('otp') === true && <span class="tag"> · with code</span>}{session.current === true && <span class="tag"> (this device)</span>}</td>
              <td>{session.ip ?? '—'}</td>
              <td>{dateTime(session.last_used_at ?? session.last_refreshed_at ?? session.created_at)}</td>
              <td>{dateTime(session.created_at)}</td>
              <td>{dateTime(session.expires_at)}</td>
              <td><button type="button" onClick={() => void revoke(session)}>Revoke</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.hasMore && <button type="button" onClick={list.more} disabled={list.loading}>More</button>}
    </>
  );
}
