import { useMemo, useState } from 'preact/hooks';
import { BULWARK_PERMISSION } from '@bulwark/contract/registry';
import { holds } from '../access';
import { useApi } from '../api';
import { useConfirm } from '../components/confirm';
import { ProblemAlert } from '../components/problem';
import { ListTable } from '../components/table';
import { dateTime } from '../format';
import type { Session, UserRecord } from '../types';
import { useAll, useList } from '../use-list';

/**
 * Everyone's own sessions (device, address, last use) with "Revoke"; a holder of `sessions:read`
 * at Bulwark's API also sees everyone's (named when they may read users). Revoking one's current
 * session signs this tab out (the API answers 401 next).
 */
export function SessionsView() {
  const { user } = useApi();
  return (
    <section aria-labelledby="sessions-heading">
      <h1 id="sessions-heading">Sessions</h1>
      <SessionTable
        title="My sessions"
        listPath="/api/users/me/sessions"
        revokePath={(id) => `/api/users/me/sessions/${id}`}
      />
      {holds(user, BULWARK_PERMISSION['sessions:read']) && (
        <AllSessions named={holds(user, BULWARK_PERMISSION['users:read'])} />
      )}
    </section>
  );
}

function AllSessions({ named }: { named: boolean }) {
  const users = useAll<UserRecord>(named ? '/api/users' : null);
  const names = useMemo(() => new Map(users.items.map((record) => [record.id, record.username])), [users.items]);
  return (
    <SessionTable
      title="All sessions"
      listPath="/api/sessions"
      revokePath={(id) => `/api/sessions/${id}`}
      userNames={names}
    />
  );
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
  const [dialog, confirm] = useConfirm();
  const live = list.items.filter((session) => (session.revoked_at ?? null) === null);
  const device = (session: Session) => session.device ?? 'Unknown device';
  const revoke = async (session: Session) => {
    const owner = userNames === undefined ? 'your' : `${userNames.get(session.user_id ?? '') ?? 'this user'}'s`;
    const answer = await confirm({
      title: 'Revoke this session?',
      body: (
        <p>
          This signs out {owner} session on {device(session)}
          {session.ip === null || session.ip === undefined ? '' : ` from ${session.ip}`}
          {session.current === true ? ' — this browser tab itself' : ''}: its tokens stop working at once.
        </p>
      ),
      action: 'Revoke',
    });
    if (!answer.confirmed) return;
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
      <ListTable
        label={title}
        head={[...(userNames ? ['User'] : []), 'Device', 'Address', 'Last used', 'Signed in', 'Expires', 'Actions']}
      >
        {live.map((session) => (
          <tr key={session.id}>
            {userNames && <td data-label="User">{userNames.get(session.user_id ?? '') ?? session.user_id}</td>}
            <td data-label="Device">
              {device(session)}
              {session.amr?.includes('otp') === true && <span class="tag"> · with code</span>}
              {(session.amr?.includes('hwk') === true || session.amr?.includes('swk') === true) && (
                <span class="tag"> · with passkey</span>
              )}
              {session.current === true && <span class="tag"> (this device)</span>}
            </td>
            <td data-label="Address">{session.ip ?? '—'}</td>
            <td data-label="Last used">
              {dateTime(session.last_used_at ?? session.last_refreshed_at ?? session.created_at)}
            </td>
            <td data-label="Signed in">{dateTime(session.created_at)}</td>
            <td data-label="Expires">{dateTime(session.expires_at)}</td>
            <td data-label="Actions">
              <button type="button" onClick={() => void revoke(session)}>
                Revoke
              </button>
            </td>
          </tr>
        ))}
      </ListTable>
      {dialog}
      {list.hasMore && (
        <button type="button" onClick={list.more} disabled={list.loading}>
          More
        </button>
      )}
    </>
  );
}
