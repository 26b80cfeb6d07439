import { createHash, randomBytes } from 'node:crypto';
import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { webauthnLibrary } from '../passkeys/webauthn-library.js';
import type { RegistrationCredentialJSON } from '@bulwark/contract';
import type { AccountSettings } from '../../config/index.js';
import { isAllowedOrigin, type WebAuthnConfig } from '../../config/webauthn.js';
import {
  ConflictError,
  InvalidPasskeyChallengeError,
  InvalidPasskeyRegistrationError,
  LinkUsedError,
} from '../../errors/index.js';
import type { AccountLinkRecord, InvitationRecord, PasskeyRecord, Role, Store, UserRecord } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import { PASSKEY_LIMITS, RP_NAME, SUPPORTED_ALGORITHMS } from '../passkeys/ceremony.js';
import { readClientData } from '../passkeys/client-data.js';
import { passkeyName, verificationReason } from '../passkeys/registration.js';
import { hashPassword } from '../passwords/passwords.js';
import { validUsername } from '../users/usernames.js';
import { employeeLinkOf } from '../users/employee-directory.js';
import type { AccountLinks } from './links.js';

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The challenge of an invitation's passkey is stored (hashed) with the invitation and the chosen
 * username, so a response to one invitation's options cannot finish another's, nor under another name.
 */
function challengeHash(challenge: string, invitationId: string, username: string): string {
  return createHash('sha256').update(`invitation\n${invitationId}\n${username}\n${challenge}`).digest('base64url');
}

/**
 * The id the new account will get, derived from the (secret, single-use) challenge: the options
 * carry it as the user handle, and the accept step finds it again without storing it.
 */
export function futureUserId(challenge: string): string {
  const b = createHash('sha256').update(`bulwark invited user id\n${challenge}`).digest();
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

interface Checked {
  link: AccountLinkRecord;
  invitation: InvitationRecord;
  username: string;
}

/**
 * Joining from an invitation with a passkey instead of a password: creation options for the
 * future account (its link checked, not spent), then the authenticator's answer verified and the
 * link spent, the user and the passkey created in one transaction.
 */
export class InvitationPasskeys {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly links: AccountLinks,
    private readonly webauthn: WebAuthnConfig,
    private readonly settings: AccountSettings,
    private readonly now: () => number,
  ) {}

  /** The same checks and codes as a password accept: link, invitation, username, username free. */
  private async check(token: string, rawUsername: string, ip: string | null): Promise<Checked> {
    const accounts = this.store.accounts;
    const link = await this.links.check(accounts, token, 'invitation', ip);
    const invitation = link.subjectId === null ? undefined : await accounts.findInvitation(link.subjectId);
    if (invitation === undefined || invitation.acceptedAt !== null) throw new LinkUsedError();
    const username = validUsername(rawUsername);
    if ((await this.store.users.findByUsername(username)) !== undefined) throw usernameTaken();
    return { link, invitation, username };
  }

  async options(
    token: string,
    rawUsername: string,
    ip: string | null,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const { invitation, username } = await this.check(token, rawUsername, ip);
    const challenge = new Uint8Array(randomBytes(32));
    const encoded = Buffer.from(challenge).toString('base64url');
    const now = this.now();
    await this.store.passkeys.createChallenge({
      hash: challengeHash(encoded, invitation.id, username),
      purpose: 'invitation',
      userId: null,
      createdAt: now,
      expiresAt: now + PASSKEY_LIMITS.challengeTtlSeconds * 1000,
    });
    return (await webauthnLibrary()).generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: this.webauthn.rpId,
      userName: username,
      userDisplayName: username,
      userID: new Uint8Array(Buffer.from(futureUserId(encoded), 'utf8')),
      challenge,
      timeout: PASSKEY_LIMITS.challengeTtlSeconds * 1000,
      attestationType: 'none',
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    });
  }

  async accept(
    token: string,
    rawUsername: string,
    rawName: string,
    response: RegistrationCredentialJSON,
    ip: string | null,
  ): Promise<UserRecord> {
    const { link, invitation, username } = await this.check(token, rawUsername, ip);
    const name = passkeyName(rawName);
    const refuse = async (
      reason: string,
      error: Error = new InvalidPasskeyRegistrationError(reason),
    ): Promise<never> => {
      await this.audit.record('passkey.registration_failed', {
        actorId: null,
        targetId: invitation.id,
        ip,
        details: { reason },
      });
      throw error;
    };
    const clientData = readClientData(response.response.clientDataJSON);
    if (clientData === undefined || clientData.type !== 'webauthn.create') return refuse('malformed client data');
    const challenge = clientData.challenge;
    if (
      !CHALLENGE.test(challenge) ||
      !(await this.store.passkeys.consumeChallenge(
        challengeHash(challenge, invitation.id, username),
        'invitation',
        null,
        this.now(),
      ))
    ) {
      return refuse('challenge', new InvalidPasskeyChallengeError('unknown, used, expired or of another invitation'));
    }
    if (!isAllowedOrigin(this.webauthn, clientData.origin)) return refuse('origin');
    let info;
    const { verifyRegistrationResponse } = await webauthnLibrary();
    try {
      const verified = await verifyRegistrationResponse({
        response: response as RegistrationResponseJSON,
        expectedChallenge: challenge,
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

    const now = this.now();
    const role = (invitation.roles[0] ?? this.settings.signupRole) as Role;
    const user: UserRecord = {
      id: futureUserId(challenge),
      username,
      // No password: a random one nobody knows (a reset link can set one later).
      passwordHash: await hashPassword(randomBytes(32).toString('base64url')),
      role,
      disabled: false,
      createdAt: now,
      updatedAt: now,
      passwordChangedAt: now,
      mustChangePassword: false,
      email: invitation.email,
      emailVerifiedAt: now,
      attributes: { ...invitation.attributes },
    };
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
      createdAt: now,
      lastUsedAt: null,
    };
    if (
      !(await this.store.invitationJoins.joinWithPasskey({
        linkHash: link.hash,
        invitationId: invitation.id,
        user,
        passkey,
        at: now,
      }))
    )
      throw new LinkUsedError();
    await this.audit.record('user.created', {
      actorId: null,
      targetId: user.id,
      details: { role, linked_employee: employeeLinkOf(user) !== null },
    });
    await this.audit.record('passkey.registered', {
      actorId: user.id,
      targetId: user.id,
      ip,
      details: { device_type: passkey.deviceType, aaguid: passkey.aaguid },
    });
    await this.audit.record('invitation.accepted', {
      actorId: user.id,
      targetId: invitation.id,
      ip,
      details: { user_id: user.id, role, with: 'passkey' },
    });
    return user;
  }
}

function usernameTaken(): ConflictError {
  return new ConflictError('username taken', { detail: 'This username is taken: choose another.' });
}
