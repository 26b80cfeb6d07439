/**
 * Table types for kysely. Column names are snake_case as in SQL; the adapters map rows to the
 * camelCase records of types.ts. Portable types only: times are bigint milliseconds (which pg
 * returns as strings unless a type parser is set, so adapters always pass them through Number()),
 * booleans are integer 0/1, JSON is text.
 */
import type { ClientAuthMethod, KeyState, RevocationKind, Role, SecurityEventKind } from './types.js';

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  role: Role;
  /**
   * Since 0013 a mirror of the attribute `employee_id`, written for an older release running
   * beside this one during a rolling upgrade; never read.
   */
  employee_id: string | null;
  disabled: number;
  created_at: number;
  updated_at: number;
  password_changed_at: number;
  must_change_password: number;
  /** Normalised address, unique (0010_accounts); null: none. */
  email: string | null;
  email_verified_at: number | null;
  /** JSON object text (0012_registry): admin-set attributes an API may carry as claims. */
  attributes: string;
  /** 1 once the user's roles are in user_roles (0012_registry); 0: created by an older release. */
  roles_adopted: number;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  last_refreshed_at: number | null;
  revoked_at: number | null;
  revoked_reason: string | null;
  user_agent: string | null;
  ip: string | null;
  /** Space-separated RFC 8176 amr; null: a password-only session from before 0005_mfa. */
  amr: string | null;
  /** RFC 7638 thumbprint of the DPoP key the session is bound to (0008_dpop); null: unbound. */
  dpop_jkt: string | null;
}

export interface RefreshTokensTable {
  hash: string;
  session_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  state: KeyState;
  /** JSON text, or null for HMAC keys. */
  public_jwk: string | null;
  private_key_encrypted: string;
  created_at: number;
  activated_at: number | null;
  retired_at: number | null;
  removed_at: number | null;
}

export interface RevocationsTable {
  kind: RevocationKind;
  value: string;
  expires_at: number;
  created_at: number;
}

export interface AuditEventsTable {
  id: string;
  at: number;
  type: string;
  actor_id: string | null;
  target_id: string | null;
  ip: string | null;
  /** JSON text. */
  details: string;
}

export interface SecurityEventsTable {
  id: string;
  kind: SecurityEventKind;
  subject: string;
  reason: string | null;
  occurred_at: number;
  expires_at: number;
  /** The database's clock when the row was written (0014_event_log_order); never null once written. */
  logged_at: number | null;
}

export interface SecurityEventStreamsTable {
  id: string;
  client_id: string;
  created_at: number;
  last_polled_at: number;
  /** Every live event logged at or before it is acknowledged by the stream; null: nothing known. */
  acked_through: number | null;
}

export interface SecurityEventAcksTable {
  stream_id: string;
  event_id: string;
}

export interface OAuthClientsTable {
  id: string;
  name: string;
  auth_method: ClientAuthMethod;
  secret_hash: string | null;
  /** JSON text. */
  jwks: string | null;
  jwks_uri: string | null;
  /** Space separated. */
  scopes: string;
  /** JSON array text. */
  audiences: string;
  introspection: number;
  disabled: number;
  created_at: number;
  updated_at: number;
  secret_issued_at: number;
}

/** One row, rewritten by every readiness check: the proof that the database can commit. */
export interface ReadinessProbeTable {
  id: string;
  probed_at: number;
}

/** The auth-core tables. Other modules extend this with `db.withTables<TheirTables>()`. */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  signing_keys: SigningKeysTable;
  revocations: RevocationsTable;
  audit_events: AuditEventsTable;
  oauth_clients: OAuthClientsTable;
  security_events: SecurityEventsTable;
  security_event_streams: SecurityEventStreamsTable;
  security_event_acks: SecurityEventAcksTable;
  readiness_probe: ReadinessProbeTable;
}
