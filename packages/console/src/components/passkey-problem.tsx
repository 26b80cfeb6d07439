import { BulwarkProblemError } from '@bulwark/client';
import { ProblemAlert } from './problem';

/**
 * A passkey ceremony's failure: the API's problem as usual; the browser's own refusals
 * (the prompt closed or timed out, no passkey here, WebAuthn unavailable) in words, not as an
 * unreachable server.
 */
export function PasskeyProblem({ error }: { error: unknown }) {
  if (error === undefined || error === null || error instanceof BulwarkProblemError)
    return <ProblemAlert error={error} />;
  const name = error instanceof Error ? error.name : '';
  const text =
    name === 'NotAllowedError'
      ? 'The passkey prompt was closed or timed out. Nothing was changed.'
      : name === 'InvalidStateError'
        ? 'This device already holds a passkey for your account.'
        : name === 'NotSupportedError' || /not supported|WebAuthn/i.test(error instanceof Error ? error.message : '')
          ? 'This browser cannot use passkeys here.'
          : 'The passkey could not be used.';
  return (
    <div class="problem" role="alert">
      <strong class="problem-title">Passkey not used</strong>
      <p class="problem-detail">{text}</p>
    </div>
  );
}
