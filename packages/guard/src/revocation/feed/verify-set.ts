import { parseJsonObject } from '../../encoding/strict-json.js';
import { InvalidTokenError, type InvalidTokenReason } from '../../errors.js';
import { verifyCompactJws, type JwsRules } from '../../jws/verify-compact.js';
import type { RevocationEntry } from '../memory-set.js';
import type { SetFeedSettings } from './options.js';

/** CAEP session-revoked: a session's tokens are revoked (logout, admin revocation). */
export const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
/** CAEP credential-change: a user's tokens issued before it are revoked. */
export const CREDENTIAL_CHANGE = 'https://schemas.openid.net/secevent/caep/event-type/credential-change';
/** Bulwark's own event: one access token (by jti) is revoked. */
export const TOKEN_REVOKED = 'urn:bulwark:secevent:token-revoked';

/** A SET that failed verification; `err` is its RFC 8935 §2.3 error code for setErrs. */
export class SetRejectedError extends Error {
  constructor(
    readonly reason: InvalidTokenReason,
    readonly err: 'invalid_key' | 'invalid_issuer' | 'invalid_audience' | 'invalid_request',
  ) {
    super(`security event token rejected: ${reason}`);
    this.name = 'SetRejectedError';
  }
}

const MAX_SET_LENGTH = 8192;

/** The JWS rules of a SET (typ secevent+jwt, the feed's algorithms and keys). */
export function setJwsRules(settings: SetFeedSettings): JwsRules {
  return {
    algorithms: settings.algorithms,
    keys: settings.keys,
    typ: 'secevent+jwt',
    requireKid: true,
    maxTokenLength: MAX_SET_LENGTH,
    allowEmptyPayload: false,
  };
}

/**
 * One SET, verified with the guard's own JWS code (typ secevent+jwt, alg allow-list, known kid,
 * signature) and checked as RFC 8417 / SSF require (iss, aud = this client, iat, jti, exactly one
 * event), then turned into the revocation it carries: an entry, or null for an event that revokes
 * nothing here (credential-change, whose ended sessions come as their own SETs; unknown types).
 * Throws InvalidTokenError('unknown_kid') as is, so the caller can refetch keys and retry.
 */
export function verifySet(set: string, rules: JwsRules, settings: SetFeedSettings): RevocationEntry | null {
  let payload: Record<string, unknown> | null;
  try {
    const jws = verifyCompactJws(set, rules);
    payload = parseJsonObject(Buffer.from(set.slice(jws.payloadStart, jws.payloadEnd), 'base64url'));
  } catch (error) {
    if (error instanceof InvalidTokenError && error.reason !== 'unknown_kid')
      throw new SetRejectedError(error.reason, 'invalid_key');
    throw error;
  }
  if (payload === null) throw new SetRejectedError('payload_invalid', 'invalid_request');
  const { iss, aud, iat, jti, events, sub_id: subject } = payload;
  if (iss !== settings.issuer) throw new SetRejectedError('iss_mismatch', 'invalid_issuer');
  if (!(aud === settings.clientId || (Array.isArray(aud) && aud.includes(settings.clientId))))
    throw new SetRejectedError('aud_mismatch', 'invalid_audience');
  const now = settings.now();
  if (typeof iat !== 'number' || !Number.isFinite(iat) || iat > now / 1000 + settings.skewSeconds)
    throw new SetRejectedError('claim_invalid', 'invalid_request');
  if (typeof jti !== 'string' || jti === '') throw new SetRejectedError('claim_missing', 'invalid_request');
  if (!isObject(events) || Object.keys(events).length !== 1 || !isObject(subject))
    throw new SetRejectedError('claim_invalid', 'invalid_request');
  const [type, event] = Object.entries(events)[0] as [string, unknown];
  if (!isObject(event)) throw new SetRejectedError('claim_invalid', 'invalid_request');
  return toEntry(type, event, subject, settings);
}

/** verifySet, after fetching the keys once more for a kid the key source does not know yet (a key
 *  rotation); the source's own cooldown bounds the fetches. */
export async function verifySetRefetchingKeys(
  set: string,
  rules: JwsRules,
  settings: SetFeedSettings,
): Promise<RevocationEntry | null> {
  try {
    return verifySet(set, rules, settings);
  } catch (error) {
    const refresh = settings.keys.refreshForUnknownKid;
    if (!(error instanceof InvalidTokenError) || error.reason !== 'unknown_kid' || refresh === undefined) throw error;
    const header = parseJsonObject(Buffer.from(set.slice(0, set.indexOf('.')), 'base64url'));
    if (typeof header?.kid === 'string' && (await refresh.call(settings.keys, header.kid)))
      return verifySet(set, rules, settings);
    throw error;
  }
}

function toEntry(
  type: string,
  event: Record<string, unknown>,
  subject: Record<string, unknown>,
  settings: SetFeedSettings,
): RevocationEntry | null {
  if (type !== SESSION_REVOKED && type !== TOKEN_REVOKED) return null;
  const at = event.event_timestamp;
  if (typeof at !== 'number' || !Number.isFinite(at) || at < 0)
    throw new SetRejectedError('claim_invalid', 'invalid_request');
  const target =
    type === TOKEN_REVOKED ? tokenTarget(subject, settings.issuer) : sessionTarget(subject, settings.issuer);
  if (target === undefined) throw new SetRejectedError('claim_invalid', 'invalid_request');
  // Kept until the latest exp of a token the event covers, but never longer than a token may live.
  const now = settings.now();
  const latest = now + settings.maxLifetimeMs + settings.skewSeconds * 1000;
  const claimed = event.max_token_exp;
  const expiresAt = typeof claimed === 'number' && Number.isFinite(claimed) ? Math.min(claimed * 1000, latest) : latest;
  return { kind: target.kind, value: target.value, createdAt: Math.floor(at) * 1000, expiresAt };
}

function sessionTarget(
  subject: Record<string, unknown>,
  issuer: string,
): { kind: 'sid' | 'user'; value: string } | undefined {
  if (subject.format !== 'complex') return undefined;
  const { session, user } = subject;
  if (isObject(session) && session.format === 'opaque' && isId(session.id)) return { kind: 'sid', value: session.id };
  if (isObject(user) && user.format === 'iss_sub' && user.iss === issuer && isId(user.sub))
    return { kind: 'user', value: user.sub };
  return undefined;
}

function tokenTarget(subject: Record<string, unknown>, issuer: string): { kind: 'jti'; value: string } | undefined {
  return subject.format === 'jwt_id' && subject.iss === issuer && isId(subject.jti)
    ? { kind: 'jti', value: subject.jti }
    : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= 512;
}
