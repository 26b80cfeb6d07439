import { useCallback, useEffect, useState } from 'preact/hooks';
import { useApi } from '../api';
import { Notice, ProblemAlert } from '../components/problem';
import { dateTime } from '../format';
import type { MfaStatus } from '../types';
import { MfaEnrolment } from './mfa-enrolment';
import { PasskeysSection } from './passkeys';
import { AccountSecurity } from './account-security';

/**
 * The signed-in user's own second factor: its state, setting up an authenticator app (TOTP,
 * RFC 6238) with recovery codes, and removing it with the password.
 */
export function SecurityView() {
  const { request } = useApi();
  const [status, setStatus] = useState<MfaStatus | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const load = useCallback(async () => {
    setError(undefined);
    try {
      setStatus(await request<MfaStatus>('GET', '/api/users/me/mfa'));
    } catch (failure) {
      setError(failure);
    }
  }, [request]);
  useEffect(() => void load(), [load]);

  const changed = (text: string) => {
    setNotice(text);
    void load();
  };

  return (
    <section aria-labelledby="security-heading">
      <h1 id="security-heading">Security</h1>
      <h2>Two-step sign-in</h2>
      <Notice text={notice} />
      <ProblemAlert error={error} />
      {status === undefined ? null : status.totp ? (
        <Enabled status={status} onRemoved={() => changed('Two-step sign-in is off.')} />
      ) : (
        <MfaEnrolment
          onEnrolled={() => changed('Two-step sign-in is on. Your next sign-in asks for a code.')}
          onStarted={() => setNotice(undefined)}
        />
      )}
      <PasskeysSection />
      <AccountSecurity />
    </section>
  );
}

function Enabled({ status, onRemoved }: { status: MfaStatus; onRemoved(): void }) {
  const { request } = useApi();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const remove = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await request<void>('DELETE', '/api/users/me/mfa/totp', { body: { password } });
      setPassword('');
      onRemoved();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <>
      <p class="mfa-state">
        On since {dateTime(status.confirmed_at)}: signing in asks for a code from your authenticator app.{' '}
        {status.recovery_codes_left} of 10 recovery codes left.
      </p>
      {status.recovery_codes_left <= 3 && (
        <p class="problem" role="alert">
          Few recovery codes are left. Remove and set up the authenticator again to get ten new ones.
        </p>
      )}
      <form class="mfa-remove" aria-label="Remove the authenticator" onSubmit={remove}>
        <h3>Remove the authenticator</h3>
        <p class="hint">
          Signing in will ask for your password only. Payroll changes may then be refused until you set it up again.
        </p>
        <label>
          Current password
          <input
            type="password"
            required
            autocomplete="current-password"
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          Remove authenticator
        </button>
        <ProblemAlert error={error} />
      </form>
    </>
  );
}
