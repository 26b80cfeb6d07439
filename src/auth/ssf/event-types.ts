import type { SecurityEventRecord } from '../../store/types.js';

/** OpenID CAEP 1.0: every access token of the subject's session(s) stops working. */
export const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
/** OpenID CAEP 1.0: the user's password changed (the sessions it ended come as session-revoked). */
export const CREDENTIAL_CHANGE = 'https://schemas.openid.net/secevent/caep/event-type/credential-change';
/** Bulwark's own: one access token (by its jti) stops working. CAEP has no per-token event. */
export const TOKEN_REVOKED = 'urn:bulwark:secevent:token-revoked';

export const EVENTS_SUPPORTED: readonly string[] = Object.freeze([SESSION_REVOKED, CREDENTIAL_CHANGE, TOKEN_REVOKED]);

/** CAEP initiating_entity for each revocation reason Bulwark records. */
const INITIATOR: Readonly<Record<string, 'admin' | 'user' | 'policy' | 'system'>> = {
  logout: 'user',
  password_changed: 'user',
  admin: 'admin',
  cli: 'admin',
  user_disabled: 'admin',
  role_changed: 'admin',
  employee_link_changed: 'admin',
  refresh_reuse: 'policy',
};

export interface SetContext {
  issuer: string;
  /** The receiver's client id. */
  audience: string;
  jti: string;
  /** Seconds since the epoch. */
  iat: number;
}

/**
 * The claims of the SET that tells one receiver about `event` (RFC 8417 with the SSF 1.0 profile:
 * the subject in `sub_id`, exactly one event). Nothing personal: the user is its opaque id, a
 * token is its jti. `max_token_exp` (Bulwark's member) is the latest exp of any token the event
 * covers: after it the receiver may forget the event.
 */
export function setClaims(event: SecurityEventRecord, context: SetContext): Record<string, unknown> {
  const payload: Record<string, unknown> = { event_timestamp: Math.floor(event.occurredAt / 1000) };
  const initiator = event.reason === null ? undefined : INITIATOR[event.reason];
  if (initiator !== undefined) payload.initiating_entity = initiator;
  if (event.reason !== null) payload.reason_admin = { en: event.reason };
  const { issuer } = context;
  let subject: Record<string, unknown>;
  let type: string;
  switch (event.kind) {
    case 'sid':
      subject = { format: 'complex', session: { format: 'opaque', id: event.subject } };
      type = SESSION_REVOKED;
      break;
    case 'user':
      // Every session of the user: tokens issued before event_timestamp stop working.
      subject = { format: 'complex', user: { format: 'iss_sub', iss: issuer, sub: event.subject } };
      type = SESSION_REVOKED;
      break;
    case 'jti':
      subject = { format: 'jwt_id', iss: issuer, jti: event.subject };
      type = TOKEN_REVOKED;
      break;
    case 'credential':
      subject = { format: 'iss_sub', iss: issuer, sub: event.subject };
      type = CREDENTIAL_CHANGE;
      payload.credential_type = 'password';
      payload.change_type = 'update';
      break;
  }
  if (event.kind !== 'credential') payload.max_token_exp = Math.ceil(event.expiresAt / 1000);
  return {
    iss: issuer,
    jti: context.jti,
    iat: context.iat,
    aud: context.audience,
    txn: event.id,
    sub_id: subject,
    events: { [type]: payload },
  };
}
