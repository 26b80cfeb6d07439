import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { BulwarkClient, BulwarkUser } from '@bulwark/client';
import { ApiContext, createApi } from './api';
import { TopBar } from './components/nav';
import { SignIn } from './components/sign-in';
import { ForgotPassword, isPublicLinkPath, PublicLinkPage } from './components/account-links';
import { isViewPath, navigate, usePath } from './router';
import { ViewFor } from './views';

const STEP_UP_NOTICE =
  'Sign in again, with your authenticator code or a passkey, to make payroll changes. You will return to the same page.';

type State =
  { phase: 'starting' } | { phase: 'signed-out'; notice?: string } | { phase: 'signed-in'; user: BulwarkUser };

/**
 * The shell: on load the client restores the session through the HttpOnly refresh cookie (a
 * reload keeps the user signed in without the page ever holding a refresh token), then either
 * the sign-in form or the top bar and the view of the current path. Sign-in and sign-out in
 * another tab reach this one through the client's events.
 */
export function App({ client }: { client: BulwarkClient }) {
  const [state, setState] = useState<State>({ phase: 'starting' });
  const [signingOut, setSigningOut] = useState(false);
  const path = usePath();

  useEffect(() => {
    let live = true;
    client
      .restore()
      .then((user) => live && setState(user === null ? { phase: 'signed-out' } : { phase: 'signed-in', user }))
      .catch(() => live && setState({ phase: 'signed-out' }));
    const offIn = client.on('signin', (user) => {
      if (user !== null && user !== undefined) setState({ phase: 'signed-in', user });
    });
    const offOut = client.on('signout', () => setState({ phase: 'signed-out' }));
    return () => {
      live = false;
      offIn();
      offOut();
    };
  }, [client]);

  const user = state.phase === 'signed-in' ? state.user : undefined;
  const sessionEnded = useCallback(
    () => setState({ phase: 'signed-out', notice: 'Your session has ended. Please sign in again.' }),
    [],
  );
  // RFC 9470 step-up: a payroll write wants a login with the second factor, and recent.
  const signInAgain = useCallback(() => {
    void client
      .signOut()
      .catch(() => undefined)
      .then(() => setState({ phase: 'signed-out', notice: STEP_UP_NOTICE }));
  }, [client]);
  const api = useMemo(
    () => (user === undefined ? null : createApi(client, user, sessionEnded, signInAgain)),
    [client, user, sessionEnded, signInAgain],
  );

  // `/` and unknown paths open the payments view once signed in.
  useEffect(() => {
    if (user !== undefined && !isViewPath(path)) navigate('/payments', { replace: true });
  }, [user, path]);

  const signOut = async () => {
    setSigningOut(true);
    try {
      await client.signOut();
    } catch {
      // Signed out here whatever the server said: the token is forgotten either way.
    }
    setSigningOut(false);
    setState({ phase: 'signed-out' });
    navigate('/', { replace: true });
  };

  // A mailed link's page (invitation, password reset, sign-up) works signed in or not.
  if (isPublicLinkPath(path)) return <PublicLinkPage client={client} path={path} />;
  if (state.phase === 'starting')
    return (
      <main class="starting" aria-busy="true">
        Loading…
      </main>
    );
  if (state.phase === 'signed-out' || api === null) {
    return (
      <>
        <SignIn
          client={client}
          notice={state.phase === 'signed-out' ? state.notice : undefined}
          onSignedIn={(signedIn) => setState({ phase: 'signed-in', user: signedIn })}
        />
        <ForgotPassword client={client} />
      </>
    );
  }
  return (
    <ApiContext.Provider value={api}>
      <TopBar user={api.user} path={path} onSignOut={() => void signOut()} signingOut={signingOut} />
      <main class="view">
        <ViewFor path={path} user={api.user} />
      </main>
    </ApiContext.Provider>
  );
}
