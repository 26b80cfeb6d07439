import { useState } from 'preact/hooks';
import type { Invitation } from '@bulwark/contract/types';
import { useApi } from '../api';
import { EmployeePicker } from '../components/employee-picker';
import { ProblemAlert } from '../components/problem';
import { ROLES, type Employee, type Role } from '../types';

/**
 * POST /api/invitations: the person chooses their own username and password from the mailed link.
 * The employee record links the account to its payroll data (what an `employee` sees); optional.
 */
export function InviteUserForm({
  employees,
  onInvited,
}: {
  employees: Employee[];
  onInvited(invitation: Invitation): void;
}) {
  const { request } = useApi();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('employee');
  const [employeeId, setEmployeeId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const invitation = await request<Invitation>('POST', '/api/invitations', {
        body: { email: email.trim(), roles: [role], ...(employeeId === '' ? {} : { employee_id: employeeId }) },
      });
      setEmail('');
      setEmployeeId('');
      onInvited(invitation);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="add-user" aria-label="Invite a user" onSubmit={submit}>
      <h2>Invite a user</h2>
      <label>
        Email address{' '}
        <input
          type="email"
          required
          autocomplete="off"
          value={email}
          onInput={(event) => setEmail(event.currentTarget.value)}
        />
      </label>
      <label>
        Role
        <select value={role} onChange={(event) => setRole(event.currentTarget.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <EmployeePicker employees={employees} value={employeeId} onChange={setEmployeeId} />
      {role === 'employee' && employeeId === '' && (
        <p class="hint">Without an employee record, an employee sees no pay.</p>
      )}
      <button type="submit" disabled={busy}>
        Send invitation
      </button>
      <ProblemAlert error={error} />
    </form>
  );
}
