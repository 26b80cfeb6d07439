import { BulwarkProblemError, BulwarkStepUpRequiredError } from '@bulwark/client';
import { StepUpAlert } from './step-up';

/**
 * An error as the reader needs it: the problem's title and detail (and when to retry), or,
 * for a failure that never reached the API, that the server could not be reached.
 */
export function ProblemAlert({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  if (error instanceof BulwarkStepUpRequiredError) return <StepUpAlert error={error} />;
  if (error instanceof BulwarkProblemError) {
    return (
      <div class="problem" role="alert">
        <strong class="problem-title">{error.title}</strong>
        {error.detail !== undefined && error.detail !== null && error.detail !== '' && (
          <p class="problem-detail">{error.detail}</p>
        )}
        {error.retryAfter !== undefined && error.retryAfter !== null && (
          <p class="problem-retry">Try again in {error.retryAfter} s.</p>
        )}
      </div>
    );
  }
  return (
    <div class="problem" role="alert">
      <strong class="problem-title">The server could not be reached</strong>
      <p class="problem-detail">{error instanceof Error ? error.message : String(error)}</p>
    </div>
  );
}

/** A short message the user should hear, e.g. "Payment created". */
export function Notice({ text }: { text: string | undefined }) {
  if (text === undefined) return null;
  return (
    <p class="notice" role="status">
      {text}
    </p>
  );
}
