import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { webauthnLibrary } from './webauthn-library.js';
import type { WebAuthnConfig } from '../../config/webauthn.js';
import { ConflictError, InvalidPasskeyChallengeError, InvalidPasskeyError } from '../../errors/index.js';
import type { Store } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { LoginChallenges } from '../mfa/login-challenges.js';
import type { CompletedLogin, LoginSteps } from '../mfa/login-steps.js';
import type { RequestMeta } from '../sessions/session-service.js';
import type { LoginThrottle } from '../throttle/index.js';
import { passkeyAmr } from './amr.js';
import { AssertionRefused, checkAssertion } from './assertion.js';
import { PASSKEY_LIMITS, type PasskeyChallenges } from './ceremony.js';
import { readClientData } from './client-data.js';
import type { AuthenticationCredentialJSON } from '@bulwark/contract';

/**
 * A passkey as the second step of a password login (instead of the TOTP code): the mfa_token's
 * user's own passkeys only, user verification required. Failures count against the mfa_token
 * (5 wrong answers spend it) and in the code throttle, like wrong codes.
 */
export class PasskeySecondFactor {
  constructor(
    private readonly store: Store,
    private readonly challenges: PasskeyChallenges,
    private readonly loginChallenges: LoginChallenges,
    private readonly loginSteps: LoginSteps,
    private readonly webauthn: WebAuthnConfig,
    private readonly mfaThrottle: LoginThrottle,
    private readonly audit: AuditLog,
    private readonly now: () => number,
  ) {}

  /** Request options listing the user's passkeys; 409 when the account has none. */
  async options(mfaToken: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const login = await this.loginChallenges.find(mfaToken, 'mfa');
    const user = await this.loginSteps.activeUser(login.userId);
    const passkeys = await this.store.passkeys.listForUser(user.id);
    if (passkeys.length === 0)
      throw new ConflictError('no passkeys', {
        detail: 'This account has no passkey: enter the code of your authenticator app.',
      });
    return (await webauthnLibrary()).generateAuthenticationOptions({
      rpID: this.webauthn.rpId,
      allowCredentials: passkeys.map((p) => ({ id: p.id, transports: p.transports })),
      challenge: await this.challenges.issue('second_factor', user.id),
      timeout: PASSKEY_LIMITS.challengeTtlSeconds * 1000,
      userVerification: 'required',
    });
  }

  async complete(mfaToken: string, response: AuthenticationCredentialJSON, meta: RequestMeta): Promise<CompletedLogin> {
    const login = await this.loginChallenges.find(mfaToken, 'mfa');
    const user = await this.loginSteps.activeUser(login.userId);
    await this.mfaThrottle.check(user.id, meta.ip);
    const refuse = async (reason: string, error: Error = new InvalidPasskeyError(reason)): Promise<never> => {
      const spent = await this.loginChallenges.fail(login);
      await this.mfaThrottle.failed(user.id, meta.ip);
      await this.store.loginFailures.record(user.id, meta.ip ?? 'unknown', this.now());
      await this.audit.record('login.mfa_failed', {
        actorId: user.id,
        targetId: user.id,
        ip: meta.ip,
        details: { method: 'passkey', reason, token_spent: spent },
      });
      throw error;
    };
    const clientData = readClientData(response.response.clientDataJSON);
    if (clientData === undefined || clientData.type !== 'webauthn.get') return refuse('malformed client data');
    try {
      await this.challenges.consume(clientData.challenge, 'second_factor', user.id);
    } catch (error) {
      if (!(error instanceof InvalidPasskeyChallengeError)) throw error;
      return refuse('challenge', error);
    }
    const passkey = await this.store.passkeys.findById(response.id);
    if (passkey === undefined || passkey.userId !== user.id) return refuse('not a passkey of this account');
    let use;
    try {
      use = await checkAssertion(this.webauthn, response, clientData, passkey);
    } catch (error) {
      if (!(error instanceof AssertionRefused)) throw error;
      return refuse(error.reason);
    }
    if (!(await this.store.passkeys.recordUse(passkey.id, passkey.counter, { ...use, at: this.now() })))
      return refuse('concurrent use');
    await this.loginChallenges.consume(login);
    await this.mfaThrottle.succeeded(user.id, meta.ip);
    await this.audit.record('login.mfa_succeeded', {
      actorId: user.id,
      targetId: user.id,
      ip: meta.ip,
      details: { method: 'passkey' },
    });
    return this.loginSteps.finish(user, ['pwd', ...passkeyAmr(passkey.deviceType)], meta);
  }
}
