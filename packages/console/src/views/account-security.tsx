import { useState } from 'preact/hooks';
import type { EmailChangePending, OthersRevoked } from '@bulwark/contract/types';
import { useApi } from '../api';
import { Notice, ProblemAlert } from '../components/problem';

/** The Security page's account part: password, "sign out everywhere else", email address (issue #20). */
export function AccountSecurity() {
  return (
    <>
      <ChangePassword />
      <SignOutElsewhere />
      <EmailAddress />
    </>
  );
}

function useAction(run: () => Promise<string>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const submit = async (event?: Event) => {
    event?.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      setNotice(await run());
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, notice, submit };
}

function ChangePassword() {
  const { request } = useApi();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const { busy, error, notice, submit } = useAction(async () => {
    await request<void>('PUT', '/api/users/me/password', { body: { current_password: current, new_password: next } });
    setCurrent('');
    setNext('');
    return 'Password changed. Your other sessions were signed out.';
  });
  return (
    <form class="account-form" aria-label="Change password" onSubmit={submit}>
      <h2>Password</h2>
      <label>
        Current password{' '}
        <input
          type="password"
          required
          autocomplete="current-password"
          value={current}
          onInput={(event) => setCurrent(event.currentTarget.value)}
        />
      </label>
      <label>
        New password{' '}
        <input
          type="password"
          required
          autocomplete="new-password"
          value={next}
          onInput={(event) => setNext(event.currentTarget.value)}
        />
      </label>
      <button type="submit" disabled={busy}>
        Change password
      </button>
      <Notice text={notice} />
      <ProblemAlert error={error} />
    </form>
  );
}

function SignOutElsewhere() {
  const { request } = useApi();
  const { busy, error, notice, submit } = useAction(async () => {
    const { sessions_revoked: n } = await request<OthersRevoked>('POST', '/api/users-sessions/others/revoke');
    return n === 0 ? 'You were signed in nowhere else.' : `Signed out ${n} other session${n === 1 ? '' : 's'}.`;
  });
  return (
    <section class="account-form" aria-labelledby="elsewhere-heading">
      <h2 id="elsewhere-heading">Other sessions</h2>
      <p class="hint">
        Ends every session of your account but this one: other browsers and devices must sign in again.
      </p>
      <button type="button" disabled={busy} onClick={() => void submit()}>
        Sign out everywhere else
      </button>
      <Notice text={notice} />
      <ProblemAlert error={error} />
    </section>
  );
}

function EmailAddress() {
  const { request, user } = useApi();
  const [email, setEmail] = useState('');
  const { busy, error, notice, submit } = useAction(async () => {
    const pending = await request<EmailChangePending>('POST', '/api/users/me/email', { body: { email } });
    setEmail('');
    return `We sent a link to ${pending.email}: open it to confirm the address.`;
  });
  return (
    <form class="account-form" aria-label="Email address" onSubmit={submit}>
      <h2>Email address</h2>
      <p class="hint">
        {user.email === null
          ? 'No address yet: add one to be able to reset a forgotten password.'
          : `${user.email}${user.email_verified ? ' (verified)' : ' (not verified)'}`}
      </p>
      <label>
        New email address{' '}
        <input
          type="email"
          required
          autocomplete="email"
          value={email}
          onInput={(event) => setEmail(event.currentTarget.value)}
        />
      </label>
      <button type="submit" disabled={busy}>
        Send a confirmation link
      </button>
      <Notice text={notice} />
      <ProblemAlert error={error} />
    </form>
  );
}
