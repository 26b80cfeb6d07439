/** The cases where the guard is deliberately stricter than jose, judged from the token alone. */
import type { SigningKey } from '../../src/jose/keys.js';
import type { Built } from './differential-cases.js';
import { NOW, SKEW } from './helpers.js';

const KEY_REFERENCES = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'];

function lenientJson(segment: string | undefined): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
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
 *   strings, aud arrays holding non-strings (jose type-checks none of these when matching).
 */
export function stricterReasons(built: Built, target: SigningKey): Set<string> {
  const allowed = new Set<string>();
  const segments = built.token.split('.');
  if (segments.some((seg) => !/^[A-Za-z0-9_-]*$/.test(seg) || Buffer.from(seg, 'base64url').toString('base64url') !== seg)) {
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
    const badStrings = ['sid', 'scope', 'role', 'client_id', 'employee_id', 'iss'].some((n) => n in claims && typeof claims[n] !== 'string');
    const badIds = ['sub', 'jti'].some((n) => n in claims && !isNonEmptyString(claims[n]));
    const badAud = Array.isArray(claims.aud) && claims.aud.some((a) => typeof a !== 'string');
    const badTimes = ['iat', 'nbf'].some((n) => n in claims && typeof claims[n] !== 'number');
    if (badStrings || badIds || badAud || badTimes) allowed.add('claim_invalid');
  }
  return allowed;
}
