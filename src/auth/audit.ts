import { randomUUID } from 'node:crypto';
import type { AuditStore } from '../store/types.js';

/** The security and admin event types, one stable string each. */
export type AuditType =
  | 'login.succeeded'
  | 'login.failed'
  | 'refresh.reused'
  | 'session.logout'
  | 'session.revoked'
  | 'sessions.revoked'
  | 'password.changed'
  | 'user.created'
  | 'user.updated'
  | 'key.rotated'
  | 'token.revoked'
  | (string & {});

export interface AuditContext {
  actorId?: string | null;
  targetId?: string | null;
  ip?: string | null;
  /** Summary facts only: never a token, password, secret, key material or bank number. */
  details?: Record<string, unknown>;
}

export class AuditLog {
  constructor(
    private readonly store: AuditStore,
    private readonly now: () => number = Date.now,
  ) {}

  record(type: AuditType, context: AuditContext = {}): Promise<void> {
    return this.store.append({
      id: randomUUID(),
      at: this.now(),
      type,
      actorId: context.actorId ?? null,
      targetId: context.targetId ?? null,
      ip: context.ip ?? null,
      details: context.details ?? {},
    });
  }
}
