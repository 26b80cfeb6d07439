/**
 * What a caller holds at one registered API: the seam between the registry (APIs, permissions and
 * roles as data: src/auth/registry) and token issuance (login, refresh, /oauth/token). Issuance
 * asks only this; the registry answers it from memory (APIs and roles are few and change rarely),
 * so a login or a refresh costs no more than before.
 */

/** A registered API (resource server) as issuance needs it. */
export interface ApiForTokens {
  /** The tokens' `aud` and its RFC 8707 `resource`. */
  identifier: string;
  /** Its own access-token lifetime (seconds, within BULWARK_ACCESS_TOKEN_TTL), or null: the global one. */
  accessTokenTtlSeconds: number | null;
  /** The user attributes that become claims in its tokens (names checked at registration). */
  claims: readonly string[];
}

/** What a user or client holds at one API. */
export interface Grant {
  api: ApiForTokens;
  /** Permission names (RFC 6749 scope-tokens) held there, in the API's order, no duplicates. */
  permissions: readonly string[];
  /** The holder's role names that grant at least one of them (RFC 9068 §2.2.3.1 `roles`), sorted. Empty for clients. */
  roles: readonly string[];
  /** What each of those roles grants here (to narrow `roles` with the permissions). Empty for clients. */
  byRole: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Answers issuance's one question. Implemented by the registry. */
export interface GrantSource {
  /** The API a request without `resource` gets a token for (BULWARK_AUDIENCE, the payroll API by default). */
  defaultApi(): string;
  /**
   * What the user holds at the API `identifier`; undefined when no API has that identifier.
   * `roleIds`: the user's role ids when already read with the user (else read here).
   */
  userGrant(userId: string, identifier: string, roleIds?: readonly string[]): Promise<Grant | undefined>;
  /** What the machine client holds at the API `identifier`; undefined when no API has that identifier. */
  clientGrant(clientId: string, identifier: string): Promise<Grant | undefined>;
  /** What the machine client holds at each API, in the order of `identifiers` (unknown ones skipped). */
  clientGrants(clientId: string, identifiers: readonly string[]): Promise<Grant[]>;
}
