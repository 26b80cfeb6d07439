import { useEffect, useState } from 'preact/hooks';
import { takeLinkToken, type BulwarkClient } from '@bulwark/client';
import { navigate } from '../router';
import { AcceptWithPasskey } from './accept-with-passkey';
import { Notice, ProblemAlert } from './problem';

/** The pages a mailed link opens without a session (contract §10). */
export const PUBLIC_LINK_PATHS = ['/accept-invitation', '/reset-password', '/confirm-signup'] as const;
export type PublicLinkPath = (typeof PUBLIC_LINK_PATHS)[number];

export function isPublicLinkPath(path: string): path is PublicLinkPath {
  return (PUBLIC_LINK_PATHS as readonly string[]).includes(path);
}

/** The link's token, read once and removed from the address bar before anything else runs. */
export function useLinkToken(): string | null {
  const [token] = useState<string | null>(() => takeLinkToken());
  return token;
}

/** A mailed link's page: accept an invitation, choose a new password, or finish a sign-up. */
export function PublicLinkPage({ client, path }: { client: BulwarkClient; path: PublicLinkPath }) {
  const token = useLinkToken();
  const [done, setDone] = useState<string | undefined>(undefined);
  const toSignIn = () => navigate('/', { replace: true });
  return (
    <main class="sign-in">
      <h1>Bulwark console</h1>
      {token === null ? (
        <p class="problem" role="alert">
          This page needs the link from your mail.
        </p>
      ) : done !== undefined ? (
        <>
          <Notice text={done} />
          <button type="button" onClick={toSignIn}>
            Go to sign-in
          </button>
        </>
      ) : path === '/accept-invitation' ? (
        <AcceptInvitation client={client} token={token} onDone={setDone} />
      ) : path === '/reset-password' ? (
        <ResetPassword client={client} token={token} onDone={setDone} />
      ) : (
        <ConfirmSignup client={client} token={token} onDone={setDone} />
      )}
    </main>
  );
}

interface StepProps {
  client: BulwarkClient;
  token: string;
  onDone(message: string): void;
}

function useSubmit(run: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (event?: Event) => {
    event?.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await run();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

function AcceptInvitation({ client, token, onDone }: StepProps) {
  const [withPasskey, setWithPasskey] = useState(false);
  if (withPasskey)
    return <AcceptWithPasskey client={client} token={token} onDone={onDone} onCancel={() => setWithPasskey(false)} />;
  return <AcceptWithPassword client={client} token={token} onDone={onDone} onPasskey={() => setWithPasskey(true)} />;
}

function AcceptWithPassword({ client, token, onDone, onPasskey }: StepProps & { onPasskey(): void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    const user = await client.accounts.acceptInvitation(token, username.trim(), password);
    onDone(`Welcome, ${user.username}. Your account is ready: sign in with your new password.`);
  });
  return (
    <form aria-label="Accept the invitation" onSubmit={submit}>
      <h2>Accept the invitation</h2>
      <label for="invite-username">Choose a username</label>
      <input
        id="invite-username"
        autocomplete="username"
        required
        minLength={2}
        maxLength={64}
        value={username}
        onInput={(event) => setUsername(event.currentTarget.value)}
      />
      <label for="invite-password">Choose a password</label>
      <input
        id="invite-password"
        type="password"
        autocomplete="new-password"
        required
        value={password}
        onInput={(event) => setPassword(event.currentTarget.value)}
      />
      <button type="submit" disabled={busy}>
        Create my account
      </button>
      <button type="button" class="link" onClick={onPasskey}>
        Register a passkey instead
      </button>
      <ProblemAlert error={error} />
    </form>
  );
}

function ResetPassword({ client, token, onDone }: StepProps) {
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    await client.accounts.confirmPasswordReset(token, password);
    onDone('Your password is changed and every session of your account was signed out. Sign in with the new password.');
  });
  return (
    <form aria-label="Choose a new password" onSubmit={submit}>
      <h2>Choose a new password</h2>
      <label for="reset-password">New password</label>
      <input
        id="reset-password"
        type="password"
        autocomplete="new-password"
        required
        value={password}
        onInput={(event) => setPassword(event.currentTarget.value)}
      />
      <button type="submit" disabled={busy}>
        Set the new password
      </button>
      <ProblemAlert error={error} />
    </form>
  );
}

function ConfirmSignup({ client, token, onDone }: StepProps) {
  const { busy, error, submit } = useSubmit(async () => {
    const user = await client.accounts.confirmSignup(token);
    onDone(`Your account ${user.username} is ready: sign in.`);
  });
  useEffect(() => void submit(), []);
  return (
    <section aria-label="Finish signing up">
      {busy && <p role="status">Creating your account…</p>}
      <ProblemAlert error={error} />
    </section>
  );
}

/** "Forgot your password?" under the sign-in form: the answer is the same whether or not the account exists. */
export function ForgotPassword({ client }: { client: BulwarkClient }) {
  const [open, setOpen] = useState(false);
  const [who, setWho] = useState('');
  const [sent, setSent] = useState<string | undefined>(undefined);
  const { busy, error, submit } = useSubmit(async () => {
    const value = who.trim();
    const answer = await client.accounts.requestPasswordReset(
      value.includes('@') ? { email: value } : { username: value },
    );
    setSent(answer.detail);
  });
  if (!open)
    return (
      <p class="sign-in-extra">
        <button type="button" class="link" onClick={() => setOpen(true)}>
          Forgot your password?
        </button>
      </p>
    );
  return (
    <form class="sign-in-extra" aria-label="Forgot password" onSubmit={submit}>
      <label for="forgot-who">Email address or username</label>
      <input
        id="forgot-who"
        autocomplete="username"
        required
        value={who}
        onInput={(event) => setWho(event.currentTarget.value)}
      />
      <button type="submit" disabled={busy}>
        Send me a reset link
      </button>
      <Notice text={sent} />
      <ProblemAlert error={error} />
    </form>
  );
}
