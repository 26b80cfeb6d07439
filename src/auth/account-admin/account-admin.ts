import { randomBytes } from 'node:crypto';
import { NotFoundError } from '../../errors/index.js';
import type { LoginFailureRecord, Store, UserRecord } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import { hashPassword } from '../passwords/passwords.js';
import type { RevocationService } from '../revocation/revocation-service.js';
import type { SessionService } from '../sessions/session-service.js';
import type { Throttles } from '../throttle/index.js';

export interface AddressFailures extends LoginFailureRecord {
  /** Seconds this address must still wait before the account's next login attempt (0: none). */
  blockedSeconds: number;
}

/**
 * What payroll admins do to accounts beyond role and disable: reset a password to a one-time
 * password, see repeated login failures and unlock. The one-time password is returned once and
 * never stored in clear.
 */
export class AccountAdmin {
  constructor(
    private readonly store: Store,
    private readonly sessions: SessionService,
    private readonly revocations: RevocationService,
    private readonly throttles: Pick<Throttles, 'login' | 'mfa'>,
    private readonly audit: AuditLog,
    private readonly now: () => number,
  ) {}

  /** A new random password the user must replace at the next login; every session ends now. */
  async resetPassword(
    userId: string,
    actorId: string | null,
    ip: string | null = null,
  ): Promise<{ user: UserRecord; oneTimePassword: string }> {
    const user = await this.user(userId);
    const oneTimePassword = newOneTimePassword();
    const now = this.now();
    await this.store.users.update(user.id, {
      passwordHash: await hashPassword(oneTimePassword),
      passwordChangedAt: now,
      mustChangePassword: true,
      updatedAt: now,
    });
    const revoked = await this.sessions.revokeAllSessions(user.id, 'password_reset');
    await this.revocations.revokeUser(user.id);
    await this.audit.record('password.reset', {
      actorId,
      targetId: user.id,
      ip,
      details: { sessions_revoked: revoked },
    });
    return { user, oneTimePassword };
  }

  /** The account's failed logins per address, with any block still running. */
  async failures(userId: string): Promise<AddressFailures[]> {
    const user = await this.user(userId);
    const rows = await this.store.loginFailures.list(user.id);
    return Promise.all(
      rows.map(async (row) => ({
        ...row,
        blockedSeconds: Math.max(
          await this.throttles.login.blockedFor(user.username, row.ip),
          await this.throttles.mfa.blockedFor(user.id, row.ip),
        ),
      })),
    );
  }

  /** Forgets the account's failures and lifts the login and code blocks of every address they came from. */
  async unlock(userId: string, actorId: string | null, ip: string | null = null): Promise<number> {
    const user = await this.user(userId);
    const cleared = await this.store.loginFailures.clear(user.id);
    for (const row of cleared) {
      await this.throttles.login.succeeded(user.username, row.ip);
      await this.throttles.mfa.succeeded(user.id, row.ip);
    }
    await this.audit.record('user.unlocked', {
      actorId,
      targetId: user.id,
      ip,
      details: { addresses: cleared.length, failures: cleared.reduce((n, r) => n + r.failures, 0) },
    });
    return cleared.length;
  }

  private async user(id: string): Promise<UserRecord> {
    const user = await this.store.users.findById(id);
    if (user === undefined) throw new NotFoundError('user');
    return user;
  }
}

/** 120 random bits in four groups a person can read out over the phone. */
function newOneTimePassword(): string {
  const text = randomBytes(15).toString('base64url');
  return [0, 5, 10, 15].map((i) => text.slice(i, i + 5)).join('-');
}
