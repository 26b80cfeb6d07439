import { useState } from 'preact/hooks';
import type { BulwarkClient } from '@bulwark/client';
import { ProblemAlert } from './problem';

interface Props {
  client: BulwarkClient;
  token: string;
  onDone(message: string): void;
  /** Back to choosing a password. */
  onCancel(): void;
}

/** Accepting an invitation with a new passkey on this device instead of a password (contract §10). */
export function AcceptWithPasskey({ client, token, onDone, onCancel }: Props) {
  const [username, setUsername] = useState('');
  const [name, setName] = useState('This device');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const user = await client.accounts.acceptInvitationWithPasskey(token, username.trim(), name.trim());
      onDone(`Welcome, ${user.username}. Your account is ready: sign in with your passkey.`);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form aria-label="Accept the invitation with a passkey" onSubmit={submit}>
      <h2>Accept the invitation</h2>
      <label for="invite-passkey-username">Choose a username</label>
      <input
        id="invite-passkey-username"
        autocomplete="username"
        required
        minLength={2}
        maxLength={64}
        value={username}
        onInput={(event) => setUsername(event.currentTarget.value)}
      />
      <label for="invite-passkey-name">Name this passkey</label>
      <input
        id="invite-passkey-name"
        required
        maxLength={64}
        value={name}
        onInput={(event) => setName(event.currentTarget.value)}
      />
      <button type="submit" disabled={busy}>
        Create my account with a passkey
      </button>
      <button type="button" class="link" onClick={onCancel}>
        Choose a password instead
      </button>
      <ProblemAlert error={error} />
    </form>
  );
}
