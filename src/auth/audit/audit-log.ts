import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { sqlAudit } from '../../store/sql/audit.js';
import type { AuditEvent, AuditStore } from '../../store/types.js';

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

  /**
   * The same log, writing inside `transaction` (a kysely transaction on the store's database, with
   * whatever table view its owner has): the event commits or rolls back with the write it records.
   */
  within(transaction: object): AuditLog {
    return new AuditLog(sqlAudit(transaction as unknown as Kysely<Database>), this.now);
  }

  record(type: AuditType, context: AuditContext = {}): Promise<void> {
    return this.store.append(this.event(type, context));
  }

  /** The event `record` would append, for a store operation that writes it in its own transaction. */
  event(type: AuditType, context: AuditContext = {}): AuditEvent {
    return {
      id: randomUUID(),
      at: this.now(),
      type,
      actorId: context.actorId ?? null,
      targetId: context.targetId ?? null,
      ip: context.ip ?? null,
      details: context.details ?? {},
    };
  }
}
