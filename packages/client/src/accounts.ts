import type { Accepted, EmailChangePending, Invitation, OthersRevoked, Role } from '@bulwark/contract/types';
import type { BulwarkUser, HttpMethod, RequestOptions } from './types.js';

/** The self-service account flows of issue #20, one method each (contract §10). */
export interface BulwarkAccounts {
  /** Forgot password: always resolves the same `accepted` answer, whether or not the account exists. */
  requestPasswordReset(who: { email: string } | { username: string }): Promise<Accepted>;
  /** Sets the new password from the reset link's token; every session of the account ends (this one too). */
  confirmPasswordReset(token: string, newPassword: string): Promise<void>;
  /** The signed-in user changes their password; every other session ends. */
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
  /** "Sign out everywhere else": every session of the user but this one ends. */
  signOutOtherSessions(): Promise<OthersRevoked>;
  /** Invites an address (admins; any user with BULWARK_SIGNUP=invite, for the sign-up role). */
  invite(email: string, roles: Role[]): Promise<Invitation>;
  /** Creates the invited account from the invitation link's token; then sign in as usual. */
  acceptInvitation(token: string, username: string, password: string): Promise<BulwarkUser>;
  /** Mails a confirmation link to the new address (and a notice to the old one). */
  changeEmail(email: string): Promise<EmailChangePending>;
  /** Confirms the address from its link's token, signed in as that account. */
  confirmEmail(token: string): Promise<BulwarkUser>;
  /** Self sign-up (BULWARK_SIGNUP=open): mails a link that creates the account. */
  signUp(email: string, username: string, password: string): Promise<Accepted>;
  /** Creates the signed-up account from its link's token. */
  confirmSignup(token: string): Promise<BulwarkUser>;
}

type Request = <T>(method: HttpMethod, path: string, options?: RequestOptions) => Promise<T>;

export function accountFlows(request: Request): BulwarkAccounts {
  const post = <T>(path: string, body?: unknown): Promise<T> => request<T>('POST', path, { body });
  return {
    requestPasswordReset: (who) => post('/api/password-resets', who),
    confirmPasswordReset: (token, newPassword) => post('/api/password-resets/confirm', { token, new_password: newPassword }),
    changePassword: (currentPassword, newPassword) => request('PUT', '/api/users/me/password', { body: { current_password: currentPassword, new_password: newPassword } }),
    signOutOtherSessions: () => post('/api/users-sessions/others/revoke'),
    invite: (email, roles) => post('/api/invitations', { email, roles }),
    acceptInvitation: (token, username, password) => post('/api/invitations/accept', { token, username, password }),
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
export function takeLinkToken(location: Pick<Location, 'href'> = globalThis.location, history: Pick<History, 'replaceState'> = globalThis.history): string | null {
  const url = new URL(location.href);
  const token = url.searchParams.get('token');
  if (token === null) return null;
  url.searchParams.delete('token');
  history.replaceState(null, '', url.pathname + url.search + url.hash);
  return token;
}
