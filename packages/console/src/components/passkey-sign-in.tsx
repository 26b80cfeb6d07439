import { useState } from 'preact/hooks';
import type { BulwarkClient, BulwarkUser } from '@bulwark/client';
import { PasskeyProblem } from './passkey-problem';

/**
 * "Sign in with a passkey": the browser offers this site's passkeys, the user picks one and
 * verifies (PIN or biometric); no username, no password. A passkey sign-in is multi-factor, so
 * it also satisfies the step-up of payroll changes.
 */
export function PasskeySignIn({ client, onSignedIn }: { client: BulwarkClient; onSignedIn(user: BulwarkUser): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const start = async () => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await client.signInWithPasskey());
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <div class="passkey-sign-in">
      <p class="hint">Or, without a password:</p>
      <button type="button" disabled={busy} onClick={() => void start()}>
        Sign in with a passkey
      </button>
      <PasskeyProblem error={error} />
    </div>
  );
}
