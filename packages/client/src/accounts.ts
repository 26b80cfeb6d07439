import { acceptInvitationWithPasskey } from './passkeys/passkeys.js';
import type { BulwarkAccounts, HttpMethod, RequestOptions } from './types.js';

type Request = <T>(method: HttpMethod, path: string, options?: RequestOptions) => Promise<T>;

/** The account flows over the client's JSON requests (the bearer token added when signed in). */
export function accountFlows(request: Request): BulwarkAccounts {
  const post = <T>(path: string, body?: unknown): Promise<T> => request<T>('POST', path, { body });
  return {
    requestPasswordReset: (who) => post('/api/password-resets', who),
    confirmPasswordReset: (token, newPassword) =>
      post('/api/password-resets/confirm', { token, new_password: newPassword }),
    changePassword: (currentPassword, newPassword) =>
      request('PUT', '/api/users/me/password', {
        body: { current_password: currentPassword, new_password: newPassword },
      }),
    signOutOtherSessions: () => post('/api/users-sessions/others/revoke'),
    invite: (email, roles, employeeId) =>
      post('/api/invitations', employeeId === undefined ? { email, roles } : { email, roles, employee_id: employeeId }),
    acceptInvitation: (token, username, password) => post('/api/invitations/accept', { token, username, password }),
    acceptInvitationWithPasskey: (token, username, name) => acceptInvitationWithPasskey(request, token, username, name),
    changeEmail: (email) => post('/api/users/me/email', { email }),
    confirmEmail: (token) => post('/api/users/me/email/confirm', { token }),
    signUp: (email, username, password) => post('/api/signups', { email, username, password }),
    confirmSignup: (token) => post('/api/signups/confirm', { token }),
  };
}

/**
 * The `token` of a mailed link's page, taken out of the address bar at once (history.replaceState)
 * so it stays in neither the history nor a Referer; null when the URL has none.
 */
export function takeLinkToken(
  location: Pick<Location, 'href'> = globalThis.location,
  history: Pick<History, 'replaceState'> = globalThis.history,
): string | null {
  const url = new URL(location.href);
  const token = url.searchParams.get('token');
  if (token === null) return null;
  url.searchParams.delete('token');
  history.replaceState(null, '', url.pathname + url.search + url.hash);
  return token;
}
