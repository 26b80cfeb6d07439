import {
  InvalidLoginTokenError,
  InvalidMfaCodeError,
  InvalidRequestError,
  MfaRequiredError,
  PasswordChangeRequiredError,
  type SecondStepMethod,
} from '../../errors/index.js';
import type { AuthMethod, Store, UserRecord } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import { assertAcceptablePassword, hashPassword, verifyPassword } from '../passwords/passwords.js';
import type { RequestMeta, SessionService, TokenPair } from '../sessions/session-service.js';
import type { LoginThrottle } from '../throttle/index.js';
import type { LoginChallenges } from './login-challenges.js';
import type { MfaService } from './mfa-service.js';

export interface CompletedLogin {
  pair: TokenPair;
  username: string;
}

/**
 * The steps of a login after the password: the second factor of an enrolled user, then the new
 * password an admin reset demands. Each step answers a short-lived single-use token for the next
 * (mfa_required, password_change_required); only the last one starts a session.
 */
export class LoginSteps {
  constructor(
    private readonly store: Store,
    private readonly sessions: SessionService,
    private readonly mfa: MfaService,
    private readonly challenges: LoginChallenges,
    private readonly mfaThrottle: LoginThrottle,
    private readonly audit: AuditLog,
    private readonly now: () => number,
  ) {}

  /** The SessionService's gate: throws when the login needs another step. */
  async afterPassword(user: UserRecord, meta: RequestMeta): Promise<void> {
    // A registered passkey is a second factor like TOTP: with either, the password alone is not enough.
    const methods: SecondStepMethod[] = [];
    if (await this.mfa.isEnrolled(user.id)) methods.push('totp');
    if ((await this.store.passkeys.listForUser(user.id)).length > 0) methods.push('passkey');
    if (methods.length > 0) {
      const next = await this.challenges.issue(user.id, 'mfa', ['pwd']);
      await this.audit.record('login.mfa_required', {
        actorId: user.id,
        targetId: user.id,
        ip: meta.ip,
        details: { methods },
      });
      throw new MfaRequiredError(next.token, next.expiresIn, methods);
    }
    await this.requirePasswordChange(user, ['pwd'], meta);
  }

  /** POST /api/users-sessions/mfa: the code (TOTP or recovery) for the mfa_token's user. */
  async completeMfa(token: string, code: string, meta: RequestMeta): Promise<CompletedLogin> {
    const challenge = await this.challenges.find(token, 'mfa');
    const user = await this.activeUser(challenge.userId);
    await this.mfaThrottle.check(user.id, meta.ip);
    let method;
    try {
      method = await this.mfa.verify(user.id, code);
    } catch (error) {
      if (!(error instanceof InvalidMfaCodeError)) throw error;
      const spent = await this.challenges.fail(challenge);
      await this.mfaThrottle.failed(user.id, meta.ip);
      await this.store.loginFailures.record(user.id, meta.ip ?? 'unknown', this.now());
      await this.audit.record('login.mfa_failed', {
        actorId: user.id,
        targetId: user.id,
        ip: meta.ip,
        details: { token_spent: spent },
      });
      throw error;
    }
    await this.challenges.consume(challenge);
    await this.mfaThrottle.succeeded(user.id, meta.ip);
    await this.audit.record('login.mfa_succeeded', {
      actorId: user.id,
      targetId: user.id,
      ip: meta.ip,
      details: { method },
    });
    return this.finish(user, ['pwd', 'otp'], meta);
  }

  /** After the second factor (a code here, or a passkey): the password change if due, else the session. */
  async finish(user: UserRecord, amr: AuthMethod[], meta: RequestMeta): Promise<CompletedLogin> {
    await this.requirePasswordChange(user, amr, meta);
    return { pair: await this.sessions.startSession(user, amr, meta), username: user.username };
  }

  /** POST /api/users-sessions/password-change: the new password replacing an admin's one-time password. */
  async completePasswordChange(token: string, newPassword: string, meta: RequestMeta): Promise<CompletedLogin> {
    const challenge = await this.challenges.find(token, 'password_change');
    const user = await this.activeUser(challenge.userId);
    assertAcceptablePassword(newPassword, user.username);
    if (await verifyPassword(user.passwordHash, newPassword)) {
      throw new InvalidRequestError('new password equals the one-time password', {
        detail: 'Choose a password other than the one-time password.',
      });
    }
    await this.challenges.consume(challenge);
    const now = this.now();
    const updated = await this.store.users.update(user.id, {
      passwordHash: await hashPassword(newPassword),
      passwordChangedAt: now,
      mustChangePassword: false,
      updatedAt: now,
    });
    await this.audit.record('password.changed', {
      actorId: user.id,
      targetId: user.id,
      ip: meta.ip,
      details: { after: 'admin_reset' },
    });
    return { pair: await this.sessions.startSession(updated ?? user, challenge.amr, meta), username: user.username };
  }

  private async requirePasswordChange(user: UserRecord, amr: AuthMethod[], meta: RequestMeta): Promise<void> {
    if (!user.mustChangePassword) return;
    const next = await this.challenges.issue(user.id, 'password_change', amr);
    await this.audit.record('login.password_change_required', { actorId: user.id, targetId: user.id, ip: meta.ip });
    throw new PasswordChangeRequiredError(next.token, next.expiresIn);
  }

  /** A user disabled or deleted between the steps cannot finish the login. */
  async activeUser(userId: string): Promise<UserRecord> {
    const user = await this.store.users.findById(userId);
    if (user === undefined || user.disabled) throw new InvalidLoginTokenError('user unavailable');
    return user;
  }
}
