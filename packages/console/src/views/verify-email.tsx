import { useEffect, useState } from 'preact/hooks';
import type { BulwarkUser } from '@bulwark/client';
import { useApi } from '../api';
import { useLinkToken } from '../components/account-links';
import { Notice, ProblemAlert } from '../components/problem';

/** The page of an email confirmation link (signed in as the account it was sent for). */
export function VerifyEmailView() {
  const { request } = useApi();
  const token = useLinkToken();
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    if (token === null) return;
    request<BulwarkUser>('POST', '/api/users/me/email/confirm', { body: { token } }).then(
      (user) => setNotice(`Your email address is now ${user.email ?? ''}.`),
      setError,
    );
  }, [request, token]);
  return (
    <section aria-labelledby="verify-heading">
      <h1 id="verify-heading">Email address</h1>
      {token === null && (
        <p class="problem" role="alert">
          This page needs the link from your mail.
        </p>
      )}
      <Notice text={notice} />
      <ProblemAlert error={error} />
    </section>
  );
}
