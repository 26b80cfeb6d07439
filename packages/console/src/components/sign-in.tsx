import { useState } from 'preact/hooks';
import {
  BulwarkMfaRequiredError,
  type BulwarkClient,
  type BulwarkPasswordChangeRequiredError,
  type BulwarkUser,
} from '@bulwark/client';
import { CodeStep, isNextStep, NewPasswordStep } from './login-steps';
import { PasskeySignIn } from './passkey-sign-in';
import { ProblemAlert } from './problem';

interface SignInProps {
  client: BulwarkClient;
  onSignedIn(user: BulwarkUser): void;
  /** Why the reader is here again, e.g. the session ended. */
  notice?: string | undefined;
}

type Pending = BulwarkMfaRequiredError | BulwarkPasswordChangeRequiredError;

/**
 * Username and password, sent once to the token service in cookie mode: the refresh token
 * becomes an HttpOnly cookie the page never sees, the access token stays in the client's memory.
 * An enrolled user then gives a code (`mfa_required`); a user reset by an administrator chooses a
 * new password (`password_change_required`). The login tokens of those steps stay inside the
 * client's error objects; the page never reads them.
 */
export function SignIn({ client, onSignedIn, notice }: SignInProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [pending, setPending] = useState<Pending | undefined>(undefined);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const user = await client.signIn(username.trim(), password);
      setPassword('');
      onSignedIn(user);
    } catch (failure) {
      setBusy(false);
      if (isNextStep(failure)) {
        setPassword('');
        setPending(failure);
      } else setError(failure);
    }
  };
  const startOver = (reason?: unknown) => {
    setPending(undefined);
    setError(reason);
  };

  const steps = { onSignedIn, onNext: setPending, onCancel: startOver };
  return (
    <main class="sign-in">
      <h1>Bulwark console</h1>
      {notice !== undefined && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {pending instanceof BulwarkMfaRequiredError ? (
        <CodeStep key={pending.code} challenge={pending} {...steps} />
      ) : pending !== undefined ? (
        <NewPasswordStep key={pending.code} challenge={pending} {...steps} />
      ) : (
        <form onSubmit={submit} aria-label="Sign in">
          <label for="sign-in-username">Username</label>
          <input
            id="sign-in-username"
            name="username"
            autocomplete="username"
            required
            value={username}
            onInput={(event) => setUsername(event.currentTarget.value)}
          />
          <label for="sign-in-password">Password</label>
          <input
            id="sign-in-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
          <button type="submit" disabled={busy}>
            Sign in
          </button>
          <ProblemAlert error={error} />
        </form>
      )}
      {pending === undefined && <PasskeySignIn client={client} onSignedIn={onSignedIn} />}
    </main>
  );
}
