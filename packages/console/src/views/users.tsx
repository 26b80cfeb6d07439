import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { RoleDefinition, UserAttributes } from '@bulwark/contract/types';
import { holds } from '../access';
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
 * /api/users/{id}), set all of a user's roles (PUT /api/users/{id}/roles); disabling, role,
 * roles and link changes are confirmed first. Attributes are shown, read-only.
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
  const canSetRoles = holds(me, 'users:write') && holds(me, 'roles:read');
  const roles = useAll<RoleDefinition>(canSetRoles ? '/api/roles' : null);
  const [pickingRoles, setPickingRoles] = useState<UserRecord | undefined>(undefined);

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

  const setRoles = async (record: UserRecord, chosen: string[]) => {
    setPickingRoles(undefined);
    const answer = await confirm({
      title: `Change the roles of ${record.username}?`,
      body: (
        <p>
          {record.username} holds {chosen.length === 0 ? 'no role' : chosen.join(', ')} from now on. Their current
          sessions are signed out and their live tokens end; they sign in again with the new roles.
        </p>
      ),
      action: 'Change roles',
    });
    if (!answer.confirmed) return;
    setError(undefined);
    setNotice(undefined);
    try {
      await request<UserRecord>('PUT', `/api/users/${encodeURIComponent(record.id)}/roles`, {
        body: { roles: chosen },
      });
      setNotice(`${record.username} now holds ${chosen.length === 0 ? 'no role' : chosen.join(', ')}.`);
      list.reload();
    } catch (failure) {
      setError(failure);
    }
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
      <ListTable
        label="Users"
        head={['Username', 'Role', 'Roles', 'Employee', 'Attributes', 'State', 'Created', 'Actions']}
      >
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
            <td data-label="Roles">
              <span>{record.roles.length === 0 ? 'none' : record.roles.join(', ')}</span>{' '}
              {canSetRoles && record.id !== me.id && (
                <button
                  type="button"
                  aria-label={`Roles of ${record.username}`}
                  aria-haspopup="dialog"
                  onClick={() => setPickingRoles(record)}
                >
                  Roles
                </button>
              )}
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
            <td data-label="Attributes">
              <AttributeList attributes={record.attributes} />
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
      {pickingRoles !== undefined && (
        <RolesDialog
          key={pickingRoles.id}
          record={pickingRoles}
          roles={roles.items}
          onCancel={() => setPickingRoles(undefined)}
          onSave={(chosen) => void setRoles(pickingRoles, chosen)}
        />
      )}
      {dialog}
    </section>
  );
}

/** A user's attributes (admin-set, contract §15.3), read-only: `name: value` each. */
function AttributeList({ attributes }: { attributes: UserAttributes }) {
  const entries = Object.entries(attributes);
  if (entries.length === 0) return <span class="hint">none</span>;
  return (
    <ul class="plain">
      {entries.map(([name, value]) => (
        <li key={name}>
          <span class="mono">{name}</span>: {typeof value === 'string' ? value : JSON.stringify(value)}
        </li>
      ))}
    </ul>
  );
}

/** Checkboxes of every role, the user's checked; Save hands the chosen names on (to be confirmed). */
function RolesDialog({
  record,
  roles,
  onSave,
  onCancel,
}: {
  record: UserRecord;
  roles: RoleDefinition[];
  onSave(chosen: string[]): void;
  onCancel(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set(record.roles));
  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
  }, []);
  // Every role listed, and any the user holds that the list did not bring (kept as they are).
  const names = [...new Set([...roles.map((role) => role.name), ...record.roles])];
  const toggle = (name: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(name);
    else next.delete(name);
    setChosen(next);
  };
  return (
    <dialog
      ref={ref}
      class="confirm"
      aria-labelledby="roles-dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          onSave(names.filter((name) => chosen.has(name)));
        }}
      >
        <h2 id="roles-dialog-title">Roles of {record.username}</h2>
        <fieldset class="permissions">
          <legend>Roles</legend>
          {names.map((name) => (
            <label key={name} class="check" title={roles.find((role) => role.name === name)?.description}>
              <input
                type="checkbox"
                checked={chosen.has(name)}
                onChange={(event) => toggle(name, event.currentTarget.checked)}
              />{' '}
              {name}
            </label>
          ))}
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary">
            Save roles
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
