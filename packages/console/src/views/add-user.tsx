import { useState } from 'preact/hooks';
import { useApi } from '../api';
import { ProblemAlert } from '../components/problem';
import { ROLES, type Employee, type Role, type UserRecord } from '../types';

interface Draft {
  username: string;
  password: string;
  role: Role;
  employee_id: string;
}

const EMPTY: Draft = { username: '', password: '', role: 'employee', employee_id: '' };

/** POST /api/users: the new user's initial password is typed here once and never shown again; the employee record is picked by name. */
export function AddUserForm({ employees, onAdded }: { employees: Employee[]; onAdded(user: UserRecord): void }) {
  const { request } = useApi();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const edit = (change: Partial<Draft>) => setDraft({ ...draft, ...change });

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const body = { username: draft.username.trim(), password: draft.password, role: draft.role, ...(draft.employee_id.trim() === '' ? {} : { employee_id: draft.employee_id.trim() }) };
      const added = await request<UserRecord>('POST', '/api/users', { body });
      setDraft(EMPTY);
      onAdded(added);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="add-user" aria-label="Add a user" onSubmit={submit}>
      <h2>Add a user</h2>
      <label>New username <input required minLength={2} maxLength={64} autocomplete="off" value={draft.username} onInput={(event) => edit({ username: event.currentTarget.value })} /></label>
      <label>Initial password <input type="password" required autocomplete="new-password" value={draft.password} onInput={(event) => edit({ password: event.currentTarget.value })} /></label>
      <label>Role
        <select value={draft.role} onChange={(event) => edit({ role: event.currentTarget.value as Role })}>
          {ROLES.map((role) => <option key={role} value={role}>{role}</option>)}
        </select>
      </label>
      <label>Employee record
        <select value={draft.employee_id} onChange={(event) => edit({ employee_id: event.currentTarget.value })}>
          <option value="">None</option>
          {employees.map((employee) => <option key={employee.id} value={employee.id}>{employee.name} ({employee.department})</option>)}
        </select>
      </label>
      <button type="submit" disabled={busy}>Add user</button>
      <ProblemAlert error={error} />
    </form>
  );
}
