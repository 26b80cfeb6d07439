import { useMemo, useState } from 'preact/hooks';
import { useApi } from '../api';
import { useConfirm } from '../components/confirm';
import { employeeLabel } from '../components/employee-picker';
import { Notice, ProblemAlert } from '../components/problem';
import { ListTable } from '../components/table';
import { dateTime } from '../format';
import { ROLES, type Employee, type Role, type UserRecord } from '../types';
import { useAll, useList } from '../use-list';
import { InviteUserForm } from './invite-user';

/**
 * User administration: invite, disable and enable, change role or employee link (PATCH
 * /api/users/{id}); disabling, role and link changes are confirmed first.
 */
export function UsersView() {
  const { request, user: me } = useApi();
  const list = useList<UserRecord>('/api/users', { limit: 50 });
  const employees = useAll<Employee>('/api/employees');
  const employeeNames = useMemo(
    () => new Map(employees.items.map((employee) => [employee.id, employeeLabel(employee)])),
    [employees.items],
  );
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [dialog, confirm] = useConfirm();

  const update = async (
    record: UserRecord,
    change: { role?: Role; disabled?: boolean; employee_id?: string | null },
    done: string,
  ) => {
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

  const changeRole = async (record: UserRecord, select: HTMLSelectElement) => {
    const role = select.value as Role;
    const answer = await confirm({
      title: `Make ${record.username} ${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}?`,
      body: (
        <p>
          {record.username} changes from {record.role} to {role}. Their current sessions are signed out, and they sign
          in again with the new role.
        </p>
      ),
      action: 'Change role',
    });
    if (!answer.confirmed) {
      select.value = record.role;
      return;
    }
    await update(record, { role }, `${record.username} is now ${role}.`);
  };

  const changeEmployee = async (record: UserRecord, select: HTMLSelectElement) => {
    const employeeId = select.value === '' ? null : select.value;
    const name = employeeId === null ? undefined : (employeeNames.get(employeeId) ?? employeeId);
    const answer = await confirm({
      title:
        name === undefined
          ? `Unlink ${record.username} from their employee record?`
          : `Link ${record.username} to ${name}?`,
      body: (
        <p>
          {name === undefined
            ? `${record.username} no longer sees the pay of ${employeeNames.get(record.employee_id ?? '') ?? 'their employee record'}.`
            : `${record.username} is ${name} in payroll: as an employee they see that record's pay.`}{' '}
          Their current sessions are signed out.
        </p>
      ),
      action: name === undefined ? 'Unlink' : 'Link',
    });
    if (!answer.confirmed) {
      select.value = record.employee_id ?? '';
      return;
    }
    await update(
      record,
      { employee_id: employeeId },
      name === undefined
        ? `${record.username} is linked to no employee record.`
        : `${record.username} is linked to ${name}.`,
    );
  };

  const disable = async (record: UserRecord) => {
    const answer = await confirm({
      title: `Disable ${record.username}?`,
      body: (
        <p>
          {record.username} ({record.role}) can no longer sign in, and every session of theirs is revoked now.
        </p>
      ),
      action: 'Disable',
    });
    if (answer.confirmed)
      await update(record, { disabled: true }, `${record.username} is disabled; their sessions are revoked.`);
  };

  return (
    <section aria-labelledby="users-heading">
      <h1 id="users-heading">Users</h1>
      <InviteUserForm
        employees={employees.items}
        onInvited={(invited) =>
          setNotice(`Invited ${invited.email} (${invited.roles.join(' ')}): the link is on its way.`)
        }
      />
      <Notice text={notice} />
      <ProblemAlert error={list.error ?? error} />
      <ListTable label="Users" head={['Username', 'Role', 'Employee', 'State', 'Created', 'Actions']}>
        {list.items.map((record) => (
          <tr key={record.id}>
            <td data-label="Username">{record.username}</td>
            <td data-label="Role">
              <select
                aria-label={`Role of ${record.username}`}
                value={record.role}
                disabled={record.id === me.id}
                onChange={(event) => void changeRole(record, event.currentTarget)}
              >
                {ROLES.map((role) => (
                  <option key={role} value={role}>
                    {role}
                  </option>
                ))}
              </select>
            </td>
            <td data-label="Employee">
              <select
                aria-label={`Employee record of ${record.username}`}
                value={record.employee_id ?? ''}
                disabled={record.id === me.id}
                onChange={(event) => void changeEmployee(record, event.currentTarget)}
              >
                <option value="">—</option>
                {record.employee_id !== null && !employeeNames.has(record.employee_id) && (
                  <option value={record.employee_id}>{record.employee_id}</option>
                )}
                {employees.items.map((employee) => (
                  <option key={employee.id} value={employee.id}>
                    {employeeLabel(employee)}
                  </option>
                ))}
              </select>
            </td>
            <td data-label="State">{record.disabled ? 'disabled' : 'active'}</td>
            <td data-label="Created">{dateTime(record.created_at)}</td>
            <td data-label="Actions">
              {record.id !== me.id &&
                (record.disabled ? (
                  <button
                    type="button"
                    onClick={() => void update(record, { disabled: false }, `${record.username} is enabled.`)}
                  >
                    Enable
                  </button>
                ) : (
                  <button type="button" onClick={() => void disable(record)}>
                    Disable
                  </button>
                ))}
            </td>
          </tr>
        ))}
      </ListTable>
      {list.hasMore && (
        <button type="button" onClick={list.more} disabled={list.loading}>
          More
        </button>
      )}
      {dialog}
    </section>
  );
}
