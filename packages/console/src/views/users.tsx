import { useState } from 'preact/hooks';
import { useApi } from '../api';
import { Notice, ProblemAlert } from '../components/problem';
import { dateTime } from '../format';
import { ROLES, type Role, type UserRecord } from '../types';
import { useList } from '../use-list';
import { InviteUserForm } from './invite-user';

/** User administration: invite, disable and enable, change role (PATCH /api/users/{id}). */
export function UsersView() {
  const { request, user: me } = useApi();
  const list = useList<UserRecord>('/api/users', { limit: 50 });
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const update = async (record: UserRecord, change: { role?: Role; disabled?: boolean }, done: string) => {
    setError(undefined);
    setNotice(undefined);
    try {
      await request<UserRecord>('PATCH', `/api/users/${encodeURIComponent(record.id)}`, { body: change });
      setNotice(done);
      list.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section aria-labelledby="users-heading">
      <h1 id="users-heading">Users</h1>
      <InviteUserForm onInvited={(invited) => setNotice(`Invited ${invited.email} (${invited.roles.join(' ')}): the link is on its way.`)} />
      <Notice text={notice} />
      <ProblemAlert error={list.error ?? error} />
      <table class="list" aria-label="Users">
        <thead>
          <tr><th>Username</th><th>Role</th><th>Employee</th><th>State</th><th>Created</th><th>Actions</th></tr>
        </thead>
        <tbody>
          {list.items.map((record) => (
            <tr key={record.id}>
              <td>{record.username}</td>
              <td>
                <select aria-label={`Role of ${record.username}`} value={record.role} disabled={record.id === me.id}
                  onChange={(event) => void update(record, { role: event.currentTarget.value as Role }, `${record.username} is now ${event.currentTarget.value}.`)}>
                  {ROLES.map((role) => <option key={role} value={role}>{role}</option>)}
                </select>
              </td>
              <td>{record.employee_id ?? '—'}</td>
              <td>{record.disabled ? 'disabled' : 'active'}</td>
              <td>{dateTime(record.created_at)}</td>
              <td>
                {record.id !== me.id && (record.disabled
                  ? <button type="button" onClick={() => void update(record, { disabled: false }, `${record.username} is enabled.`)}>Enable</button>
                  : <button type="button" onClick={() => void update(record, { disabled: true }, `${record.username} is disabled; their sessions are revoked.`)}>Disable</button>)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.hasMore && <button type="button" onClick={list.more} disabled={list.loading}>More</button>}
    </section>
  );
}
