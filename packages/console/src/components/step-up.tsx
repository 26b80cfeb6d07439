import { useContext } from 'preact/hooks';
import type { BulwarkStepUpRequiredError } from '@bulwark/client';
import { ApiContext } from '../api';
import { follow } from './nav';

/**
 * 401 `insufficient_user_authentication` (RFC 9470): the session is valid, but this write needs a
 * login with the second factor, and a recent one. Nothing was changed; signing in again (both
 * steps) is the way on. Without an authenticator the Security page is where to set one up.
 * Adding or removing a passkey or TOTP needs only a recent sign-in of any kind (`tooOld`).
 */
export function StepUpAlert({ error }: { error: BulwarkStepUpRequiredError }) {
  const api = useContext(ApiContext);
  return (
    <div class="problem step-up" role="alert">
      <strong class="problem-title">Sign in again to make this change</strong>
      {error.tooOld ? (
        <p class="problem-detail">
          This change needs a recent sign-in
          {error.maxAgeSeconds === undefined
            ? ''
            : ` (within the last ${Math.max(1, Math.round(error.maxAgeSeconds / 60))} minutes)`}
          . Nothing was changed.
        </p>
      ) : (
        <>
          <p class="problem-detail">
            Payroll changes need a recent sign-in with your authenticator code or a passkey. Nothing was changed.
            {error.detail !== undefined && error.detail !== '' && <> ({error.detail})</>}
          </p>
          <p class="problem-detail">
            No authenticator or passkey yet? Set one up on the{' '}
            <a href="/security" onClick={(event) => follow(event, '/security')}>
              Security
            </a>{' '}
            page first.
          </p>
        </>
      )}
      {api !== null && (
        <button type="button" onClick={api.signInAgain}>
          Sign in again
        </button>
      )}
    </div>
  );
}
