import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { webauthnLibrary } from './webauthn-library.js';
import type { WebAuthnConfig } from '../../config/webauthn.js';
import { InvalidPasskeyChallengeError, InvalidPasskeyError } from '../../errors/index.js';
import type { Store } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { CompletedLogin, LoginSteps } from '../mfa/login-steps.js';
import type { RequestMeta } from '../sessions/session-service.js';
import type { LoginThrottle } from '../throttle/index.js';
import { passkeyAmr } from './amr.js';
import { PASSKEY_LIMITS, type PasskeyChallenges } from './ceremony.js';
import { AssertionRefused, checkAssertion } from './assertion.js';
import { readClientData } from './client-data.js';
import type { AuthenticationCredentialJSON } from '@bulwark/contract';

/** The login throttle's key for a credential nobody registered (its failures still count per IP). */
const UNKNOWN_PASSKEY = '\u0000passkey';

/**
 * Signing in with a passkey as the only factor (a discoverable credential, user verification
 * required): the assertion is checked by @simplewebauthn/server against the stored public key,
 * our origins and RP ID, and the signature counter; the session is a password login's, with a
 * passkey's amr (after the new password an admin reset demands, if one is pending). Failures count in the login throttle like wrong passwords.
 */
export class PasskeySignIn {
  constructor(
    private readonly store: Store,
    private readonly challenges: PasskeyChallenges,
    private readonly webauthn: WebAuthnConfig,
    private readonly loginSteps: LoginSteps,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditLog,
    private readonly now: () => number,
  ) {}

  async options(meta: RequestMeta): Promise<PublicKeyCredentialRequestOptionsJSON> {
    // Unauthenticated and it writes a row: bounded by the per-IP login burst limit.
    await this.throttle.check(UNKNOWN_PASSKEY, meta.ip);
    return (await webauthnLibrary()).generateAuthenticationOptions({
      rpID: this.webauthn.rpId,
      challenge: await this.challenges.issue('sign_in', null),
      timeout: PASSKEY_LIMITS.challengeTtlSeconds * 1000,
      userVerification: 'required',
    });
  }

  async signIn(response: AuthenticationCredentialJSON, meta: RequestMeta): Promise<CompletedLogin> {
    const passkey = await this.store.passkeys.findById(response.id);
    const owner = passkey === undefined ? undefined : await this.store.users.findById(passkey.userId);
    const throttleKey = owner?.username ?? UNKNOWN_PASSKEY;
    await this.throttle.check(throttleKey, meta.ip);
    const refuse = async (reason: string, error: Error = new InvalidPasskeyError(reason)): Promise<never> => {
      await this.throttle.failed(throttleKey, meta.ip);
      if (owner !== undefined) await this.store.loginFailures.record(owner.id, meta.ip ?? 'unknown', this.now());
      await this.audit.record('login.passkey_failed', {
        targetId: owner?.id ?? null,
        ip: meta.ip,
        details: { reason },
      });
      throw error;
    };
    const clientData = readClientData(response.response.clientDataJSON);
    if (clientData === undefined || clientData.type !== 'webauthn.get') return refuse('malformed client data');
    try {
      await this.challenges.consume(clientData.challenge, 'sign_in', null);
    } catch (error) {
      if (!(error instanceof InvalidPasskeyChallengeError)) throw error;
      return refuse('challenge', error);
    }
    if (passkey === undefined || owner === undefined) return refuse('unknown passkey');
    if (owner.disabled) return refuse('user disabled');
    let use;
    try {
      use = await checkAssertion(this.webauthn, response, clientData, passkey);
    } catch (error) {
      if (!(error instanceof AssertionRefused)) throw error;
      return refuse(error.reason);
    }
    if (!(await this.store.passkeys.recordUse(passkey.id, passkey.counter, { ...use, at: this.now() })))
      return refuse('concurrent use');
    await this.throttle.succeeded(owner.username, meta.ip);
    await this.audit.record('login.passkey_succeeded', {
      actorId: owner.id,
      targetId: owner.id,
      ip: meta.ip,
      details: { device_type: passkey.deviceType },
    });
    // As after a password and code: a pending admin reset still asks for a new password first.
    return this.loginSteps.finish(owner, passkeyAmr(passkey.deviceType), meta);
  }
}
