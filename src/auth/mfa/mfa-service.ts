import { ConflictError, InvalidCredentialsError, InvalidMfaCodeError, NotFoundError } from '../../errors/index.js';
import type { MfaStore, PasskeysStore, UsersStore } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import { verifyPassword } from '../passwords/passwords.js';
import type { RequestMeta } from '../sessions/session-service.js';
import { findRecoveryHash, hashRecoveryCode, newRecoveryCodes } from './recovery-codes.js';
import { matchTotp, newTotpSecret, otpauthUri } from './totp.js';
import { openTotpSecret, sealTotpSecret } from './totp-secret.js';

/** The name authenticator apps show beside the account. */
export const TOTP_ISSUER = 'Bulwark';

export interface MfaStatus {
  enrolled: boolean;
  confirmedAt: number | null;
  recoveryCodesLeft: number;
}

export type SecondFactor = 'totp' | 'recovery_code';

/**
 * TOTP enrolment, confirmation, removal and checking. The secret is sealed under the master key;
 * recovery codes are kept as hashes; a TOTP time step, like a recovery code, is accepted once.
 */
export class MfaService {
  constructor(
    private readonly store: { mfa: MfaStore; users: UsersStore; passkeys: Pick<PasskeysStore, 'removeAllForUser'> },
    private readonly masterKey: () => Buffer,
    private readonly audit: AuditLog,
    private readonly now: () => number,
  ) {}

  async status(userId: string): Promise<MfaStatus> {
    const enrolment = await this.store.mfa.findEnrolment(userId);
    const confirmed = enrolment?.confirmedAt ?? null;
    return {
      enrolled: confirmed !== null,
      confirmedAt: confirmed,
      recoveryCodesLeft: confirmed === null ? 0 : (await this.store.mfa.unusedRecoveryCodes(userId)).length,
    };
  }

  async isEnrolled(userId: string): Promise<boolean> {
    return ((await this.store.mfa.findEnrolment(userId))?.confirmedAt ?? null) !== null;
  }

  /** A new secret (replacing an unconfirmed one); refused while a confirmed one exists. */
  async enrol(userId: string, username: string, meta: RequestMeta): Promise<{ secret: string; otpauthUri: string }> {
    if (await this.isEnrolled(userId))
      throw new ConflictError('already enrolled', { detail: 'An authenticator is already enrolled: remove it first.' });
    const secret = newTotpSecret();
    const now = this.now();
    await this.store.mfa.saveEnrolment({
      userId,
      secretSealed: sealTotpSecret(secret, this.masterKey(), userId),
      createdAt: now,
      confirmedAt: null,
      lastStep: null,
    });
    await this.audit.record('mfa.enrolment_started', { actorId: userId, targetId: userId, ip: meta.ip });
    return { secret, otpauthUri: otpauthUri(TOTP_ISSUER, username, secret) };
  }

  /** The first correct code confirms the enrolment and returns ten recovery codes, shown this once. */
  async confirm(userId: string, code: string, meta: RequestMeta): Promise<string[]> {
    const enrolment = await this.store.mfa.findEnrolment(userId);
    if (enrolment === undefined || enrolment.confirmedAt !== null)
      throw new ConflictError('no enrolment to confirm', {
        detail: 'There is no pending enrolment: start one with POST /api/users/me/mfa/totp.',
      });
    const step = matchTotp(openTotpSecret(enrolment.secretSealed, this.masterKey(), userId), code, this.now(), null);
    if (step === null) {
      await this.audit.record('mfa.confirm_failed', { actorId: userId, targetId: userId, ip: meta.ip });
      throw new InvalidMfaCodeError('wrong code at confirmation');
    }
    const { codes, hashes } = newRecoveryCodes();
    if (!(await this.store.mfa.confirm(userId, this.now(), step, hashes)))
      throw new ConflictError('enrolment confirmed concurrently', { detail: 'This enrolment was already confirmed.' });
    await this.audit.record('mfa.enrolled', {
      actorId: userId,
      targetId: userId,
      ip: meta.ip,
      details: { recovery_codes: codes.length },
    });
    return codes;
  }

  /** Accepts a TOTP code of a step after the last used one, or an unused recovery code, once. */
  async verify(userId: string, code: string): Promise<SecondFactor> {
    const enrolment = await this.store.mfa.findEnrolment(userId);
    if (enrolment === undefined || enrolment.confirmedAt === null) throw new InvalidMfaCodeError('not enrolled');
    if (/^\d{6}$/.test(code)) {
      const step = matchTotp(
        openTotpSecret(enrolment.secretSealed, this.masterKey(), userId),
        code,
        this.now(),
        enrolment.lastStep,
      );
      if (step === null) throw new InvalidMfaCodeError('wrong or replayed totp code');
      // Two requests racing with the same code: the store lets one of them advance the step.
      if (!(await this.store.mfa.advanceStep(userId, step))) throw new InvalidMfaCodeError('replayed totp code');
      return 'totp';
    }
    const hash = hashRecoveryCode(code);
    const match =
      hash === undefined ? undefined : findRecoveryHash(await this.store.mfa.unusedRecoveryCodes(userId), hash);
    if (match === undefined || !(await this.store.mfa.useRecoveryCode(userId, match, this.now())))
      throw new InvalidMfaCodeError('wrong or used recovery code');
    return 'recovery_code';
  }

  /** The user removes their own factor, proving the password. */
  async remove(userId: string, password: string, meta: RequestMeta): Promise<void> {
    const user = await this.store.users.findById(userId);
    if (user === undefined || !(await verifyPassword(user.passwordHash, password))) {
      await this.audit.record('mfa.remove_failed', {
        actorId: userId,
        targetId: userId,
        ip: meta.ip,
        details: { reason: 'bad_password' },
      });
      throw new InvalidCredentialsError();
    }
    if (!(await this.store.mfa.removeEnrolment(userId))) throw new NotFoundError('mfa enrolment');
    await this.audit.record('mfa.removed', { actorId: userId, targetId: userId, ip: meta.ip });
  }

  /**
   * An admin resets a user's second factors (a lost phone or security key): the authenticator,
   * its recovery codes and every passkey go; the next login asks for the password only.
   */
  async reset(userId: string, actorId: string | null, ip: string | null = null): Promise<MfaReset> {
    if ((await this.store.users.findById(userId)) === undefined) throw new NotFoundError('user');
    const totpRemoved = await this.store.mfa.removeEnrolment(userId);
    const passkeysRemoved = await this.store.passkeys.removeAllForUser(userId);
    await this.audit.record('mfa.reset', {
      actorId,
      targetId: userId,
      ip,
      details: { was_enrolled: totpRemoved, passkeys_removed: passkeysRemoved },
    });
    return { totpRemoved, passkeysRemoved };
  }
}

/** What an admin's MFA reset removed. */
export interface MfaReset {
  totpRemoved: boolean;
  passkeysRemoved: number;
}
