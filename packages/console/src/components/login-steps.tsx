import { useState } from 'preact/hooks';
import {
  BulwarkMfaRequiredError,
  BulwarkPasswordChangeRequiredError,
  BulwarkProblemError,
  type BulwarkUser,
} from '@bulwark/client';
import { PasskeyProblem } from './passkey-problem';
import { ProblemAlert } from './problem';
import { PROBLEM_CODE } from '@bulwark/contract/registry';

interface StepProps<Challenge> {
  challenge: Challenge;
  onSignedIn(user: BulwarkUser): void;
  /** The step asked for yet another (a password change after the code) or wants to start over. */
  onNext(next: BulwarkMfaRequiredError | BulwarkPasswordChangeRequiredError): void;
  /** Back to the password form, with the reason when the login expired or was spent. */
  onCancel(reason?: unknown): void;
}

/**
 * Runs one step: a refused answer that is the next step (a password change) moves on, any other
 * failure is shown under the form and the same challenge can be tried again.
 */
function useStep(finish: () => Promise<BulwarkUser>, { onSignedIn, onNext, onCancel }: StepProps<unknown>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await finish());
    } catch (failure) {
      setBusy(false);
      if (isNextStep(failure)) onNext(failure);
      // Expired (5 min), used, or spent by wrong codes: only a new password login helps.
      else if (failure instanceof BulwarkProblemError && failure.code === PROBLEM_CODE.invalid_login_token)
        onCancel(failure);
      else setError(failure);
    }
  };
  return { busy, error, submit };
}

/** Errors that carry the next login step rather than a failure to show. */
export function isNextStep(error: unknown): error is BulwarkMfaRequiredError | BulwarkPasswordChangeRequiredError {
  return error instanceof BulwarkMfaRequiredError || error instanceof BulwarkPasswordChangeRequiredError;
}

/** The second step: a code from the authenticator app, one of the recovery codes, or a passkey. */
export function CodeStep(props: StepProps<BulwarkMfaRequiredError>) {
  const [code, setCode] = useState('');
  const step = useStep(() => props.challenge.complete(code.trim()), props);
  const passkey = useStep(() => props.challenge.completeWithPasskey(), props);
  if (!props.challenge.methods.includes('totp')) {
    // A passkey is the account's only second factor: no code to type.
    return (
      <form onSubmit={passkey.submit} aria-label="Second step">
        <p class="hint">Confirm it is you with one of your passkeys.</p>
        <button type="submit" autoFocus disabled={passkey.busy}>
          Use a passkey
        </button>
        <button type="button" class="link" onClick={() => props.onCancel()}>
          Start over
        </button>
        <PasskeyProblem error={passkey.error} />
      </form>
    );
  }
  return (
    <form onSubmit={step.submit} aria-label="Second step">
      <p class="hint">Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
      <label for="sign-in-code">Authentication code</label>
      <input
        id="sign-in-code"
        name="code"
        autocomplete="one-time-code"
        autoFocus
        required
        minLength={6}
        maxLength={32}
        spellcheck={false}
        value={code}
        onInput={(event) => setCode(event.currentTarget.value)}
      />
      <button type="submit" disabled={step.busy}>
        Verify
      </button>
      {props.challenge.methods.includes('passkey') && (
        <button type="button" disabled={passkey.busy} onClick={(event) => void passkey.submit(event)}>
          Use a passkey instead
        </button>
      )}
      <button type="button" class="link" onClick={() => props.onCancel()}>
        Start over
      </button>
      <ProblemAlert error={step.error} />
      <PasskeyProblem error={passkey.error} />
    </form>
  );
}

/** After an administrator's reset: the one-time password worked, a new password ends the login. */
export function NewPasswordStep(props: StepProps<BulwarkPasswordChangeRequiredError>) {
  const [password, setPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const step = useStep(() => props.challenge.changePassword(password), props);
  const submit = (event: Event) => {
    setMismatch(password !== repeated);
    if (password === repeated) return step.submit(event);
    event.preventDefault();
  };
  return (
    <form onSubmit={submit} aria-label="Choose a new password">
      <p class="hint">Your password was reset by an administrator. Choose a new password to finish signing in.</p>
      <label for="sign-in-new-password">New password</label>
      <input
        id="sign-in-new-password"
        name="new-password"
        type="password"
        autocomplete="new-password"
        autoFocus
        required
        value={password}
        onInput={(event) => setPassword(event.currentTarget.value)}
      />
      <label for="sign-in-repeat-password">Repeat password</label>
      <input
        id="sign-in-repeat-password"
        name="repeat-password"
        type="password"
        autocomplete="new-password"
        required
        value={repeated}
        onInput={(event) => setRepeated(event.currentTarget.value)}
      />
      <button type="submit" disabled={step.busy}>
        Change password
      </button>
      <button type="button" class="link" onClick={() => props.onCancel()}>
        Start over
      </button>
      {mismatch && (
        <p class="problem" role="alert">
          The two passwords differ.
        </p>
      )}
      <ProblemAlert error={step.error} />
    </form>
  );
}
