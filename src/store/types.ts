/**
 * The narrow storage interfaces the services depend on. Every adapter (SQLite today, Postgres at
 * scale) implements these and passes the same shared adapter test suite. All times are integer
 * milliseconds since the epoch; ids are opaque strings chosen by the caller.
 */
import type { AccountsStore } from './accounts-types.js';
import type { AuthMethod, LoginFailuresStore, MfaStore } from './mfa-types.js';
import type { PasskeyRecord, PasskeysStore } from './passkey-types.js';
import type { RegistryStore } from './registry-types.js';

export type * from './mfa-types.js';
export type * from './passkey-types.js';
export type * from './accounts-types.js';
export type * from './registry-types.js';

/** The roles are the contract's (@bulwark/contract/registry): re-exported for the store's readers. */
import type { Role } from '@bulwark/contract/registry';

export { ROLES, type Role } from '@bulwark/contract/registry';

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, or null when this page is the last. */
  nextCursor: string | null;
}

export interface PageRequest {
  cursor?: string | undefined;
  /** Already validated and capped by the caller (1..100). */
  limit: number;
}

export interface UserRecord {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  passwordChangedAt: number;
  /** Set by an admin password reset: the next login must choose a new password first. */
  mustChangePassword: boolean;
  /** Normalised (trimmed, lower-case) address, unique across users; null/absent: none. */
  email?: string | null;
  /** When the address was proven by a mailed link; null: not verified. */
  emailVerifiedAt?: number | null;
  /**
   * Admin-set attributes (0012_registry), validated by the service; absent: none. Payroll's link
   * to an employee record is the attribute `employee_id` (0013_employee_link).
   */
  attributes?: Record<string, unknown>;
}

export interface UserPatch {
  role?: Role;
  disabled?: boolean;
  passwordHash?: string;
  passwordChangedAt?: number;
  mustChangePassword?: boolean;
  email?: string | null;
  emailVerifiedAt?: number | null;
  attributes?: Record<string, unknown>;
  updatedAt: number;
}

export interface UsersStore {
  /** Throws ConflictError (code `conflict`) when the username is taken. Usernames arrive
   *  already normalised (trimmed, lower-case) from the service; the store matches exactly.
   *  The user holds their legacy `role` (user_roles) from the same transaction on. */
  create(user: UserRecord): Promise<void>;
  findById(id: string): Promise<UserRecord | undefined>;
  /** The user and the ids of the roles they hold (user_roles, unordered), in one statement. */
  findByIdWithRoleIds(id: string): Promise<{ user: UserRecord; roleIds: readonly string[] } | undefined>;
  findByUsername(username: string): Promise<UserRecord | undefined>;
  /** The user of a normalised address, verified or not. */
  findByEmail(email: string): Promise<UserRecord | undefined>;
  /** Ordered by createdAt, then id. */
  list(page: PageRequest): Promise<Page<UserRecord>>;
  /** Returns the updated record, or undefined when no user has this id. */
  update(id: string, patch: UserPatch): Promise<UserRecord | undefined>;
  count(): Promise<number>;
}

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: number;
  /** Absolute end of the session (and of every refresh token in it). */
  expiresAt: number;
  lastRefreshedAt: number | null;
  revokedAt: number | null;
  revokedReason: string | null;
  userAgent: string | null;
  ip: string | null;
  /** RFC 8176 methods the session's login used; its start (createdAt) is the auth_time. */
  amr: AuthMethod[];
  /** The DPoP key (RFC 7638 thumbprint) every refresh must prove (RFC 9449 §5); null/absent: unbound. */
  dpopJkt?: string | null;
}

export interface SessionFilter {
  userId?: string | undefined;
  /** Only sessions neither revoked nor expired at `now`. */
  activeAt?: number | undefined;
}

export interface SessionsStore {
  /**
   * Inserts the session. With `flushedByNextWrite` (a login, whose tokens are not answered yet) the
   * call does not wait for its own durable flush: its caller always makes another write, waited
   * for, before it answers (the first refresh token, or the session's revocation), and that
   * write's flush covers this row. A session lost before then was never handed to anyone.
   */
  create(session: SessionRecord, options?: { flushedByNextWrite?: boolean }): Promise<void>;
  findById(id: string): Promise<SessionRecord | undefined>;
  /** Ordered by createdAt, then id. */
  list(filter: SessionFilter, page: PageRequest): Promise<Page<SessionRecord>>;
  /** Marks the session revoked; returns false when it was already revoked or does not exist. */
  revoke(id: string, reason: string, at: number): Promise<boolean>;
  /**
   * Revokes every not-yet-revoked session of the user (except `exceptSessionId`) and returns
   * the revoked sessions (id and expiresAt), so the caller can publish their revocation.
   */
  revokeAllForUser(
    userId: string,
    reason: string,
    at: number,
    exceptSessionId?: string,
  ): Promise<Array<{ id: string; expiresAt: number }>>;
  /**
   * Deletes sessions that expired at or before `expiredBefore` (revoked or not) with their
   * refresh tokens, oldest first, a bounded batch a call (PURGE_SESSIONS, PURGE_TOKENS): call
   * again while it deletes anything. A token of a deleted session is refused as unknown, as it
   * was refused as expired.
   */
  purgeEnded(expiredBefore: number): Promise<{ sessions: number; refreshTokens: number }>;
}

export interface RefreshTokenRecord {
  /** SHA-256 of the token, base64url. The token itself is never stored. */
  hash: string;
  sessionId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export type RotateOutcome =
  | { outcome: 'rotated'; session: SessionRecord }
  /**
   * The token was used less than the reuse window ago, `next` is the successor that rotation
   * stored (same session, still unused) and the session is active: the caller answers `next`
   * again. Nothing is written. `sinceUseMs`: since the rotation committed, on the database's clock.
   */
  | { outcome: 'replayed'; session: SessionRecord; sinceUseMs: number }
  /** The token exists but was already used: the caller must revoke the whole session. */
  | { outcome: 'reused'; sessionId: string; userId: string }
  /** Unknown hash, expired token, or a session that is revoked or expired. */
  | { outcome: 'invalid'; reason: 'unknown' | 'expired' | 'session_revoked' | 'session_expired' };

export interface RefreshLookup {
  token: RefreshTokenRecord;
  session: SessionRecord | undefined;
  user: UserRecord | undefined;
  /** The user's role ids (the registry's user_roles), read in the same statement; none without a user. */
  roleIds: string[];
}

/** What a completed password login leaves behind beside its session's first refresh token. */
export interface LoginCompletion {
  /** The (user, address) pair whose login failures the login clears. */
  userId: string;
  ip: string;
  /** Its audit event (login.succeeded). */
  event: AuditEvent;
}

export interface RefreshTokensStore {
  insert(token: RefreshTokenRecord): Promise<void>;
  /**
   * A new session's first refresh token, in one transaction with `login`'s cleared failures and
   * audit event: one commit, so one durable flush, where each used to take its own.
   */
  insertFirst(token: RefreshTokenRecord, login: LoginCompletion): Promise<void>;
  findByHash(hash: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * The token with its session and the session's user, read together (one statement, one
   * snapshot): what a refresh needs before its rotation. `session`/`user` are undefined when gone.
   */
  findForRefresh(hash: string): Promise<RefreshLookup | undefined>;
  /**
   * In one transaction: marks `oldHash` used if and only if it is unused, unexpired and its
   * session is active; inserts `next` (same session); sets the session's lastRefreshedAt.
   * Of N concurrent calls with the same `oldHash`, exactly one gets `rotated`. With
   * `reuseWindowMs` > 0 (callers then pass the same deterministic `next` every time), the others
   * get `replayed` while `now - usedAt < reuseWindowMs`, `next` is stored unused in the same
   * session and the session is active; any other used token is `reused`.
   */
  rotate(
    oldHash: string,
    next: RefreshTokenRecord,
    clock: () => number,
    reuseWindowMs?: number,
  ): Promise<RotateOutcome>;
}

export type KeyState = 'next' | 'active' | 'retired' | 'removed';

export interface SigningKeyRecord {
  kid: string;
  alg: string;
  state: KeyState;
  /** Public JWK (no private members). For HS256 keys: null (never published). */
  publicJwk: Record<string, unknown> | null;
  /** The private key (or HMAC secret) as JWK JSON, encrypted under the master key; opaque here. */
  privateKeyEncrypted: string;
  createdAt: number;
  activatedAt: number | null;
  retiredAt: number | null;
  removedAt: number | null;
}

export interface KeysStore {
  insert(key: SigningKeyRecord): Promise<void>;
  findByKid(kid: string): Promise<SigningKeyRecord | undefined>;
  /** All keys, newest first. */
  list(): Promise<SigningKeyRecord[]>;
  /** Sets state and the matching timestamp (activatedAt/retiredAt/removedAt). */
  setState(kid: string, state: KeyState, at: number): Promise<boolean>;
  /**
   * Inserts `key` (state `next`) unless a `next` key exists; false when one does. Atomic across
   * processes on the same database: of concurrent callers exactly one inserts.
   */
  insertIfNoNext(key: SigningKeyRecord): Promise<boolean>;
  /**
   * Runs `work` in one transaction that holds the keys lock, with a KeysStore bound to it: of
   * processes deciding about keys at once (two instances starting on an empty database), one
   * decides and the others see its decision.
   */
  exclusive<T>(work: (keys: KeysStore) => Promise<T>): Promise<T>;
  /**
   * SQLite only: a synchronous, microsecond-cheap marker that changes whenever another connection
   * (another process: the CLI, a second instance) has committed to the database since the last
   * call (PRAGMA data_version). Undefined where no such marker exists (Postgres).
   */
  readonly externalChangeMarker?: (() => number) | undefined;
}

export type RevocationKind = 'jti' | 'sid' | 'user';

export interface RevocationRecord {
  kind: RevocationKind;
  /** The jti, the session id, or the user id. */
  value: string;
  /** When the entry may be forgotten: the latest moment a token it covers could still be valid. */
  expiresAt: number;
  /** For kind `user`: tokens issued (iat) before this moment are revoked. */
  createdAt: number;
}

export interface RevocationsStore {
  /** Idempotent per (kind, value): a second add keeps the later expiresAt and createdAt. */
  add(revocation: RevocationRecord): Promise<void>;
  /** Every entry with expiresAt > now. */
  listActive(now: number): Promise<RevocationRecord[]>;
  /** Deletes entries with expiresAt <= now; returns how many. */
  purgeExpired(now: number): Promise<number>;
  /**
   * The clock revocations are timed on: the database's now on Postgres with the real clock (one
   * clock for every instance sharing it), `clock` otherwise (SQLite: one machine; a test's clock).
   */
  clockMs(clock: () => number): Promise<number>;
}

export interface AuditEvent {
  id: string;
  at: number;
  /** e.g. login.succeeded, login.failed, refresh.reused, session.revoked, user.updated. */
  type: string;
  actorId: string | null;
  targetId: string | null;
  ip: string | null;
  /** Never contains a token, password, secret, key material or bank number in clear. */
  details: Record<string, unknown>;
}

export interface AuditFilter {
  type?: string | undefined;
  actorId?: string | undefined;
  /** Events at or after this time (ms). */
  since?: number | undefined;
  /** Events strictly before this time (ms). */
  before?: number | undefined;
}

export interface AuditStore {
  append(event: AuditEvent): Promise<void>;
  /** Newest first. */
  list(filter: AuditFilter, page: PageRequest): Promise<Page<AuditEvent>>;
}

/**
 * One entry of the append-only security event log: a revocation (or a credential change) that
 * third-party services learn of through the SET feed (RFC 8417/8936). Receiver-independent: the
 * SET for one receiver (its aud, its jti) is built from it at delivery.
 */
export type SecurityEventKind = 'sid' | 'user' | 'jti' | 'credential';

export interface SecurityEventRecord {
  /** Random, unique; the `txn` of every SET made from this event. */
  id: string;
  kind: SecurityEventKind;
  /** The session id (sid), user id (user, credential) or access-token jti (jti). */
  subject: string;
  /** Why, in one stable word (logout, admin, password_changed, ...); null when not known. */
  reason: string | null;
  /** When it happened; for kind `user` the cut-off (tokens issued before it are revoked). */
  occurredAt: number;
  /** After this no token the event covers can be accepted: the event is pruned then. */
  expiresAt: number;
}

/** A receiver's stream (OpenID SSF): which client reads it and what it has acknowledged. */
export interface SecurityEventStreamRecord {
  id: string;
  /** The OAuth client that created it and alone may read it (the SETs' aud). */
  clientId: string;
  createdAt: number;
  lastPolledAt: number;
}

export interface SecurityEventsStore {
  append(event: SecurityEventRecord): Promise<void>;
  /** Live events (expiresAt > now) the stream has not acknowledged, in the order they were logged, at most `limit`. */
  pending(streamId: string, now: number, limit: number): Promise<SecurityEventRecord[]>;
  /**
   * Records acknowledgements (idempotent; ids of unknown or expired events are ignored) and moves
   * the stream's watermark past what it has now acknowledged of the events written more than
   * `settleMs` ago (default: the store's own bound on how long a write can take; tests shorten
   * it), so that `pending` starts there. `now` judges which events are still live.
   */
  acknowledge(streamId: string, eventIds: readonly string[], now: number, settleMs?: number): Promise<void>;
  /** Changes whenever an event is appended (by any process on this database). */
  changeMarker(): Promise<string>;
  createStream(stream: SecurityEventStreamRecord): Promise<void>;
  findStream(id: string): Promise<SecurityEventStreamRecord | undefined>;
  /** The client's streams, oldest first. */
  listStreams(clientId: string): Promise<SecurityEventStreamRecord[]>;
  touchStream(id: string, at: number): Promise<void>;
  /** Deletes the stream and its acknowledgements; false when there was none. */
  deleteStream(id: string): Promise<boolean>;
  /** Deletes events with expiresAt <= now (and their acknowledgements), and streams not polled
   *  since `idleBefore`; returns how many of each. */
  purge(now: number, idleBefore: number): Promise<{ events: number; streams: number }>;
}

/** How a client proves who it is at the token endpoint (RFC 7591 names). */
export type ClientAuthMethod = 'client_secret' | 'private_key_jwt';

/** A machine client of the OAuth 2 token endpoint (client credentials). */
export interface ClientRecord {
  /** The client_id: opaque, never reused. */
  id: string;
  name: string;
  authMethod: ClientAuthMethod;
  /** SHA-256 of the secret (base64url), for `client_secret`; the secret itself is never stored. */
  secretHash: string | null;
  /** For `private_key_jwt`: the client's public JWKS (JSON text), or where to fetch it. */
  jwks: string | null;
  jwksUri: string | null;
  /** The scopes the client may ask for, in order. */
  scopes: string[];
  /** The audiences (RFC 8707 resources) its tokens may name; the first is the default. */
  audiences: string[];
  /** May call the introspection endpoint (RFC 7662). */
  introspection: boolean;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  /** When the current secret (or key set) was issued. */
  secretIssuedAt: number;
}

export interface ClientPatch {
  disabled?: boolean;
  secretHash?: string;
  secretIssuedAt?: number;
  updatedAt: number;
}

export interface ClientsStore {
  /** Throws ConflictError when the id is taken. */
  create(client: ClientRecord): Promise<void>;
  findById(id: string): Promise<ClientRecord | undefined>;
  /** Ordered by createdAt, then id. */
  list(page: PageRequest): Promise<Page<ClientRecord>>;
  /** Returns the updated record, or undefined when no client has this id. */
  update(id: string, patch: ClientPatch): Promise<ClientRecord | undefined>;
}

/** What joining from an invitation with a passkey writes, all or nothing. */
export interface PasskeyJoin {
  linkHash: string;
  invitationId: string;
  user: UserRecord;
  passkey: PasskeyRecord;
  at: number;
}

/** Joining from an invitation link with a passkey (issue #20): one transaction. */
export interface InvitationJoinsStore {
  /**
   * Spends the link, creates the user, stores the passkey and marks the invitation accepted, in
   * one transaction: false (and nothing written) when the link or invitation was used meanwhile;
   * ConflictError when the username, address or credential exists.
   */
  joinWithPasskey(join: PasskeyJoin): Promise<boolean>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly users: UsersStore;
  readonly sessions: SessionsStore;
  readonly refreshTokens: RefreshTokensStore;
  readonly keys: KeysStore;
  readonly revocations: RevocationsStore;
  readonly audit: AuditStore;
  readonly clients: ClientsStore;
  readonly securityEvents: SecurityEventsStore;
  readonly mfa: MfaStore;
  readonly loginFailures: LoginFailuresStore;
  readonly passkeys: PasskeysStore;
  /** One-time links, invitations and the mail outbox (issue #20). */
  readonly accounts: AccountsStore;
  /** Joining from an invitation with a passkey, in one transaction (issue #20). */
  readonly invitationJoins: InvitationJoinsStore;
  /** APIs, permissions, roles, user roles and client grants (issue #18). */
  readonly registry: RegistryStore;
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  /** Resolves when the database commits a one-row write (readiness: a full disk fails it). */
  probeWrite(): Promise<void>;
  close(): Promise<void>;
}
