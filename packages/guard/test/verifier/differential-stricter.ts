/** The cases where the guard is deliberately stricter than jose, judged from the token alone. */
import type { SigningKey } from '../../../../src/jose/keys.js';
import { MAX_NUMERIC_DATE } from '../../src/verifier/check-claims.js';
import { VERIFIER_DEFAULTS } from '../../src/verifier/verifier.js';
import type { Built } from './differential-cases.js';
import { NOW, SKEW } from '../helpers.js';

const KEY_REFERENCES = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'];

function lenientJson(segment: string | undefined): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

const isNonEmptyString = (v: unknown) => typeof v === 'string' && v !== '';

/**
 * The reasons for which the guard may refuse a token jose accepts, each justified by a feature
 * this token really has (judged here independently of the guard's code):
 * - malformed: a segment that is not canonical base64url (jose's atob tolerates spare bits, spaces);
 * - header_invalid / payload_invalid: duplicate member names (JSON.parse keeps the last one), or a
 *   missing/empty/non-string kid in the header (jose, given a key, ignores kid);
 * - unknown_kid: a kid that is not the key's (jose ignores kid);
 * - alg_key_mismatch: a header alg other than the key's (jose lets an RSA key verify RS256 and PS256);
 * - crit_unsupported, b64_unsupported: crit or b64 present (jose understands crit ["b64"]);
 * - header_key_reference: jwk/jku/x5u/x5c/x5t present (jose ignores them when given a key);
 * - iat_future: iat beyond now + skew (jose only checks iat with maxTokenAge);
 * - claim_invalid: sub/jti not non-empty strings, sid/scope/role/client_id/employee_id/iss not
 *   strings, aud arrays holding non-strings (jose type-checks none of these when matching); an
 *   exp beyond 9999-12-31 (jose takes any finite number);
 * - lifetime_exceeded: exp − iat above the verifier's maxTokenLifetimeSeconds, or without iat,
 *   exp − now above it + skew (jose bounds the lifetime only with maxTokenAge, which we don't give).
 * `maxLifetimeSeconds` is the verifier's limit (the guard default unless the caller says).
 */
export function stricterReasons(
  built: Built,
  target: SigningKey,
  limits: { maxLifetimeSeconds?: number; now?: number } = {},
): Set<string> {
  const maxLifetime = limits.maxLifetimeSeconds ?? VERIFIER_DEFAULTS.maxTokenLifetimeSeconds;
  const now = limits.now ?? NOW;
  const allowed = new Set<string>();
  const segments = built.token.split('.');
  if (
    segments.some((seg) => !/^[A-Za-z0-9_-]*$/.test(seg) || Buffer.from(seg, 'base64url').toString('base64url') !== seg)
  ) {
    allowed.add('malformed');
  }
  const header = lenientJson(segments[0]);
  const claims = lenientJson(segments[1]);
  if (built.dupHeader || (header !== null && !isNonEmptyString(header.kid))) allowed.add('header_invalid');
  if (built.dupPayload) allowed.add('payload_invalid');
  if (header !== null) {
    if (isNonEmptyString(header.kid) && header.kid !== target.kid) allowed.add('unknown_kid');
    if (header.alg !== target.alg) allowed.add('alg_key_mismatch');
    if ('crit' in header) allowed.add('crit_unsupported');
    if ('b64' in header) allowed.add('b64_unsupported');
    if (KEY_REFERENCES.some((name) => name in header)) allowed.add('header_key_reference');
  }
  if (claims !== null) {
    if (typeof claims.iat === 'number' && claims.iat > NOW + SKEW) allowed.add('iat_future');
    const badStrings = ['sid', 'scope', 'role', 'client_id', 'employee_id', 'iss'].some(
      (n) => n in claims && typeof claims[n] !== 'string',
    );
    const badIds = ['sub', 'jti'].some((n) => n in claims && !isNonEmptyString(claims[n]));
    const badAud = Array.isArray(claims.aud) && claims.aud.some((a) => typeof a !== 'string');
    const badTimes = ['iat', 'nbf'].some((n) => n in claims && typeof claims[n] !== 'number');
    const absurdExp = typeof claims.exp === 'number' && claims.exp > MAX_NUMERIC_DATE;
    if (badStrings || badIds || badAud || badTimes || absurdExp) allowed.add('claim_invalid');
    if (typeof claims.exp === 'number') {
      const lifetime = typeof claims.iat === 'number' ? claims.exp - claims.iat : claims.exp - now - SKEW;
      if (lifetime > maxLifetime) allowed.add('lifetime_exceeded');
    }
  }
  return allowed;
}
