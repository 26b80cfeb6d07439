import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { webauthnLibrary } from './webauthn-library.js';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { isAllowedOrigin, type WebAuthnConfig } from '../../config/webauthn.js';
import { ConflictError, InvalidPasskeyRegistrationError, InvalidRequestError } from '../../errors/index.js';
import type { PasskeyRecord, PasskeysStore, UserRecord } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { RequestMeta } from '../sessions/session-service.js';
import { PASSKEY_LIMITS, RP_NAME, SUPPORTED_ALGORITHMS, type PasskeyChallenges } from './ceremony.js';
import { readClientData } from './client-data.js';
import type { RegistrationCredentialJSON } from '@bulwark/contract';

/** A passkey name: trimmed, something left, no control characters. */
export function passkeyName(raw: string): string {
  const name = raw.trim();
  // eslint-disable-next-line no-control-regex
  if (name === '' || /[\u0000-\u001f\u007f]/.test(name))
    throw new InvalidRequestError('bad passkey name', { detail: 'Give the passkey a name of printable characters.' });
  return name;
}

/**
 * Adding a passkey to the signed-in user's account (WebAuthn registration): options with a
 * single-use challenge bound to the user, then the authenticator's attestation checked by
 * @simplewebauthn/server against our origins and RP ID, user verification required.
 */
export class PasskeyRegistration {
  constructor(
    private readonly store: PasskeysStore,
    private readonly challenges: PasskeyChallenges,
    private readonly webauthn: WebAuthnConfig,
    private readonly audit: AuditLog,
    private readonly now: () => number,
  ) {}

  async options(user: UserRecord): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await this.store.listForUser(user.id);
    if (existing.length >= PASSKEY_LIMITS.maxPerUser) throw tooMany();
    return (await webauthnLibrary()).generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: this.webauthn.rpId,
      userName: user.username,
      userDisplayName: user.username,
      // The user handle a discoverable credential returns at sign-in: the user id, never the name.
      userID: new Uint8Array(Buffer.from(user.id, 'utf8')),
      challenge: await this.challenges.issue('registration', user.id),
      timeout: PASSKEY_LIMITS.challengeTtlSeconds * 1000,
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    });
  }

  async verify(
    user: UserRecord,
    rawName: string,
    response: RegistrationCredentialJSON,
    meta: RequestMeta,
  ): Promise<PasskeyRecord> {
    const name = passkeyName(rawName);
    const clientData = readClientData(response.response.clientDataJSON);
    const refuse = async (reason: string): Promise<never> => {
      await this.audit.record('passkey.registration_failed', {
        actorId: user.id,
        targetId: user.id,
        ip: meta.ip,
        details: { reason },
      });
      throw new InvalidPasskeyRegistrationError(reason);
    };
    if (clientData === undefined || clientData.type !== 'webauthn.create') return refuse('malformed client data');
    try {
      await this.challenges.consume(clientData.challenge, 'registration', user.id);
    } catch (error) {
      await this.audit.record('passkey.registration_failed', {
        actorId: user.id,
        targetId: user.id,
        ip: meta.ip,
        details: { reason: 'challenge' },
      });
      throw error;
    }
    if (!isAllowedOrigin(this.webauthn, clientData.origin)) return refuse('origin');
    if ((await this.store.listForUser(user.id)).length >= PASSKEY_LIMITS.maxPerUser) throw tooMany();
    let info;
    const { verifyRegistrationResponse } = await webauthnLibrary();
    try {
      const verified = await verifyRegistrationResponse({
        response: response as RegistrationResponseJSON,
        expectedChallenge: clientData.challenge,
        expectedOrigin: clientData.origin,
        expectedRPID: this.webauthn.rpId,
        requireUserVerification: true,
        supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
      });
      info = verified.verified ? verified.registrationInfo : undefined;
    } catch (error) {
      return refuse(verificationReason(error));
    }
    if (info === undefined) return refuse('not verified');
    if (info.credential.id !== response.id) return refuse('credential id mismatch');
    const passkey: PasskeyRecord = {
      id: info.credential.id,
      userId: user.id,
      name,
      publicKey: info.credential.publicKey,
      counter: info.credential.counter,
      transports: response.response.transports ?? info.credential.transports ?? [],
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      aaguid: info.aaguid,
      createdAt: this.now(),
      lastUsedAt: null,
    };
    await this.store.create(passkey);
    await this.audit.record('passkey.registered', {
      actorId: user.id,
      targetId: user.id,
      ip: meta.ip,
      details: { device_type: passkey.deviceType, aaguid: passkey.aaguid },
    });
    return passkey;
  }
}

function tooMany(): ConflictError {
  return new ConflictError('passkey limit reached', {
    detail: `An account holds at most ${PASSKEY_LIMITS.maxPerUser} passkeys: remove one first.`,
  });
}

/** One stable word for the audit from the library's error (its text names no secret). */
export function verificationReason(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (/RP ID/i.test(message)) return 'rp_id';
  if (/origin/i.test(message)) return 'origin';
  if (/user could not be verified|user verification/i.test(message)) return 'user_verification';
  if (/signature/i.test(message)) return 'signature';
  if (/counter/i.test(message)) return 'counter';
  return 'malformed';
}
