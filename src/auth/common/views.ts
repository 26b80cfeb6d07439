import type { AuditEvent as AuditEventRecord, SessionRecord, UserRecord } from '../../store/types.js';
import type { KeyInfo } from '../keys/key-info.js';
import type { AuditEvent, Key, Session, User } from '@bulwark/contract/types';
import { describeUserAgent } from '../sessions/user-agent.js';
import { employeeLinkOf } from '../users/employee-directory.js';

/** What the API shows of the token service's records: the named shapes of schemas.ts. */
const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** `roles`: every role the user holds (the registry's user_roles), sorted. */
export function toUserView(user: UserRecord, roles: readonly string[]): User {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    employee_id: employeeLinkOf(user),
    disabled: user.disabled,
    email: user.email ?? null,
    email_verified: (user.emailVerifiedAt ?? null) !== null,
    roles: [...roles],
    attributes: { ...(user.attributes ?? {}) } as User['attributes'],
    created_at: iso(user.createdAt),
    updated_at: iso(user.updatedAt),
  };
}

export function toSessionView(s: SessionRecord): Session {
  return {
    id: s.id,
    user_id: s.userId,
    created_at: iso(s.createdAt),
    expires_at: iso(s.expiresAt),
    last_refreshed_at: isoOrNull(s.lastRefreshedAt),
    last_used_at: iso(s.lastRefreshedAt ?? s.createdAt),
    device: describeUserAgent(s.userAgent),
    ip: s.ip,
    revoked_at: isoOrNull(s.revokedAt),
    revoked_reason: s.revokedReason,
  };
}

export function toKeyView(k: KeyInfo): Key {
  return {
    kid: k.kid,
    alg: k.alg,
    state: k.state,
    created_at: iso(k.createdAt),
    activated_at: isoOrNull(k.activatedAt),
    retired_at: isoOrNull(k.retiredAt),
    removed_at: isoOrNull(k.removedAt),
    signs_from: isoOrNull(k.signsFrom),
  };
}

export function toAuditEventView(e: AuditEventRecord): AuditEvent {
  return {
    id: e.id,
    at: iso(e.at),
    type: e.type,
    actor_id: e.actorId,
    target_id: e.targetId,
    ip: e.ip,
    details: e.details,
  };
}
