import type {
  Accepted,
  Api,
  ApiPatchRequest,
  CurrentUser,
  EmailChangePending,
  Invitation,
  InvitationRequest,
  NewApiRequest,
  NewRoleRequest,
  OthersRevoked,
  Page,
  PageQuery,
  RoleDefinition,
  RolePatchRequest,
  User,
} from '@bulwark/contract/types';
import type { BulwarkPasskeys } from './passkeys/types.js';

/**
 * The signed-in user, as GET /api/users/me answers it: the server's own CurrentUser shape (a User
 * and `permissions`, what their roles grant at Bulwark's own API).
 */
export type BulwarkUser = CurrentUser;

/** What `client.on` can listen to. */
export type BulwarkEvent = 'signin' | 'signout' | 'refresh';
/** Called with the user (null after a sign-out). */
export type BulwarkListener = (user: BulwarkUser | null) => void;
/** The methods `client.request` sends. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** The options of `client.request`. */
export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Appended to the path; null and undefined values are left out. */
  query?: Record<string, string | number | boolean | null | undefined>;
  signal?: AbortSignal;
}

/** The options of `createBulwarkClient`. */
export interface BulwarkClientOptions {
  /** Where the API lives; '' (the default) is the page's own origin. */
  baseUrl?: string;
  /** A fetch to use instead of the global one (tests, instrumentation). */
  fetch?: typeof fetch;
  /** The BroadcastChannel name the tabs of one app share. */
  channelName?: string;
  /**
   * DPoP (RFC 9449) sender-constrained tokens with a non-extractable WebCrypto key (default on
   * where WebCrypto exists): logins and refreshes carry a proof, and when the server answers
   * token_type DPoP every call proves the key. false: Bearer tokens only.
   */
  dpop?: boolean;
}

/** A signed-in (or not yet) session with a Bulwark server; see the README for each method. */
export interface BulwarkClient {
  /** The last GET /api/users/me, or null when signed out. */
  readonly user: BulwarkUser | null;
  /**
   * The permissions the access token held carries at the API it is for (its `scope`), empty when
   * signed out: what to show (a button, a view), never what is allowed, which the API checks.
   */
  readonly scope: readonly string[];
  /** On page load: a silent refresh through the HttpOnly cookie; null when there is no session. */
  restore(): Promise<BulwarkUser | null>;
  /**
   * Cookie-mode login. Throws BulwarkMfaRequiredError (call `complete(code)`) or
   * BulwarkPasswordChangeRequiredError (call `changePassword(newPassword)`) when a step is left.
   */
  signIn(username: string, password: string): Promise<BulwarkUser>;
  /**
   * Cookie-mode sign-in with a passkey alone (the browser asks the user to pick one and verify
   * them). The WebAuthn code loads on first use. Rejects with `invalid_passkey` when refused.
   */
  signInWithPasskey(): Promise<BulwarkUser>;
  /** The signed-in user's passkeys: register (with a name), list, rename, remove. */
  readonly passkeys: BulwarkPasskeys;
  signOut(): Promise<void>;
  /** fetch with the access token; a 401 token_expired is refreshed (once, shared) and retried once. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** JSON in and out; a non-2xx answer throws BulwarkProblemError. */
  request<T = unknown>(method: HttpMethod, path: string, options?: RequestOptions): Promise<T>;
  /** Forgot password, invitations, email addresses, sign-up, sign out elsewhere (issue #20). */
  readonly accounts: BulwarkAccounts;
  /** The API registry (contract §15): APIs, roles, and a user's roles; each call needs its permission at Bulwark's API. */
  readonly registry: BulwarkRegistry;
  /** Returns the function that unsubscribes. */
  on(event: BulwarkEvent, listener: BulwarkListener): () => void;
  /** Stops listening to the other tabs and drops the listeners. */
  close(): void;
}

/** An access token and when it stops working (epoch milliseconds, this machine's clock). */
export interface Grant {
  accessToken: string;
  expiresAt: number;
  /** The server bound the token to this client's DPoP key (token_type DPoP). */
  dpop?: boolean;
  /** The token's permissions at the API it is for (the answer's `scope`, contract §15.5). */
  scope?: readonly string[];
}

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
  /**
   * Invites an address (admins; any user with BULWARK_SIGNUP=invite, for the sign-up role).
   * `employeeId` (admins only) links the account to that payroll employee record.
   */
  invite(email: string, roles: InvitationRequest['roles'], employeeId?: string): Promise<Invitation>;
  /** Creates the invited account from the invitation link's token; then sign in as usual. */
  acceptInvitation(token: string, username: string, password: string): Promise<BulwarkUser>;
  /** Creates the invited account with a new passkey on this device (named `name`) instead of a password; then sign in with it. */
  acceptInvitationWithPasskey(token: string, username: string, name: string): Promise<BulwarkUser>;
  /** Mails a confirmation link to the new address (and a notice to the old one). */
  changeEmail(email: string): Promise<EmailChangePending>;
  /** Confirms the address from its link's token, signed in as that account. */
  confirmEmail(token: string): Promise<BulwarkUser>;
  /** Self sign-up (BULWARK_SIGNUP=open): mails a link that creates the account. */
  signUp(email: string, username: string, password: string): Promise<Accepted>;
  /** Creates the signed-up account from its link's token. */
  confirmSignup(token: string): Promise<BulwarkUser>;
}

/**
 * The API registry's admin calls (contract §15), one method each. Every call needs its permission
 * at Bulwark's own API (`apis:read`, `apis:write`, `roles:read`, `roles:write`, `users:write`);
 * a refusal or bad input throws BulwarkProblemError with the problem's `code` (e.g. 403
 * `insufficient_scope`, 409 `api_in_use`, 400 `invalid_request`) and changes nothing.
 */
export interface BulwarkRegistry {
  /** `GET /api/apis`: one page of the registered APIs; pass the page's `next_cursor` as `cursor` for the next. */
  listApis(query?: PageQuery): Promise<Page<Api>>;
  /** `GET /api/apis/{id}`: one API by its id (not its identifier); 404 `not_found` when there is none. */
  getApi(id: string): Promise<Api>;
  /** `POST /api/apis`: registers an API (its identifier is its tokens' `aud`, and never changes). */
  createApi(body: NewApiRequest): Promise<Api>;
  /**
   * `PATCH /api/apis/{id}`: changes its name, permissions (the full new list), token lifetime or claims.
   * A permission a role or client still holds cannot be removed.
   */
  updateApi(id: string, patch: ApiPatchRequest): Promise<Api>;
  /** `DELETE /api/apis/{id}`: deletes an API no role or client holds permissions of (else 409); built-ins never. */
  deleteApi(id: string): Promise<void>;
  /** `GET /api/roles`: one page of the roles, each with its permissions. */
  listRoles(query?: PageQuery): Promise<Page<RoleDefinition>>;
  /** `GET /api/roles/{id}`: one role by its id. */
  getRole(id: string): Promise<RoleDefinition>;
  /** `POST /api/roles`: creates a role granting permissions of registered APIs (`{api: identifier, permission}`). */
  createRole(body: NewRoleRequest): Promise<RoleDefinition>;
  /** `PATCH /api/roles/{id}`: changes its description or permissions; its holders' live tokens are revoked. */
  updateRole(id: string, patch: RolePatchRequest): Promise<RoleDefinition>;
  /** `DELETE /api/roles/{id}`: its holders lose it and their live tokens are revoked; built-ins never. */
  deleteRole(id: string): Promise<void>;
  /**
   * `PUT /api/users/{id}/roles`: sets all of a user's roles (names; replaces the list) and resolves to the user.
   * A change ends the user's sessions and revokes their live tokens.
   */
  setUserRoles(userId: string, roleNames: readonly string[]): Promise<User>;
}
