import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { ClientRecord } from '../../store/types.js';
import type { ClientKeys } from './client-keys.js';
import type { AssertionReplayGuard } from './replay-guard.js';
import { AUTH_DEFAULTS } from '../defaults.js';

/** RFC 7523 §2.2: client_assertion_type of a JWT client assertion. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** An assertion may be valid for at most this long from now (exp − now): AUTH_DEFAULTS.maxAssertionSeconds. */
export const MAX_ASSERTION_SECONDS = AUTH_DEFAULTS.maxAssertionSeconds;

export interface AssertionSettings {
  issuer: string;
  tokenEndpoint: string;
  clockSkewSeconds: number;
  now: () => number;
}

/** Why an assertion was refused (logs and audit only: the client hears invalid_client). */
export class AssertionRejected extends Error {}

/**
 * private_key_jwt (RFC 7523 §3, OpenID Connect Core §9): iss = sub = client_id, aud = this
 * server's issuer or token endpoint (or the endpoint it is presented to), exp within
 * MAX_ASSERTION_SECONDS, a jti never seen before, signed by one of the client's keys under
 * that key's own alg.
 */
export class AssertionVerifier {
  constructor(
    private readonly keys: ClientKeys,
    private readonly replay: AssertionReplayGuard,
    private readonly settings: AssertionSettings,
  ) {}

  async verify(assertion: string, client: ClientRecord, endpoint: string): Promise<void> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(assertion).kid;
    } catch {
      throw new AssertionRejected('malformed assertion');
    }
    const key = await this.keys.keyFor(client, kid);
    if (key === undefined) throw new AssertionRejected('no key of the client matches the assertion');
    const { issuer, tokenEndpoint, clockSkewSeconds, now } = this.settings;
    let payload;
    try {
      ({ payload } = await jwtVerify(assertion, key.key, {
        algorithms: [key.alg],
        issuer: client.id,
        subject: client.id,
        audience: [...new Set([issuer, tokenEndpoint, endpoint])],
        requiredClaims: ['exp', 'jti'],
        clockTolerance: clockSkewSeconds,
        currentDate: new Date(now()),
      }));
    } catch (error) {
      const code = error instanceof joseErrors.JOSEError ? error.code : 'ERR_UNKNOWN';
      throw new AssertionRejected(`assertion refused (${code})`);
    }
    if ((payload.exp as number) - now() / 1000 > MAX_ASSERTION_SECONDS + clockSkewSeconds)
      throw new AssertionRejected('assertion valid for too long');
    if (typeof payload.jti !== 'string' || payload.jti === '' || payload.jti.length > 256)
      throw new AssertionRejected('assertion jti invalid');
    if (!(await this.replay.firstUse(client.id, payload.jti))) throw new AssertionRejected('assertion replayed');
  }
}
