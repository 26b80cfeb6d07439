import { useState } from 'preact/hooks';
import type { Invitation } from '@bulwark/contract/types';
import { useApi } from '../api';
import { ProblemAlert } from '../components/problem';
import { ROLES, type Role } from '../types';

/** POST /api/invitations: the person chooses their own username and password from the mailed link. */
export function InviteUserForm({ onInvited }: { onInvited(invitation: Invitation): void }) {
  const { request } = useApi();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('employee');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const invitation = await request<Invitation>('POST', '/api/invitations', { body: { email: email.trim(), roles: [role] } });
      setEmail('');
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
      <label>Email address <input type="email" required autocomplete="off" value={email} onInput={(event) => setEmail(event.currentTarget.value)} /></label>
      <label>Role
        <select value={role} onChange={(event) => setRole(event.currentTarget.value as Role)}>
          {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
      </label>
      <button type="submit" disabled={busy}>Send invitation</button>
      <ProblemAlert error={error} />
    </form>
  );
}
