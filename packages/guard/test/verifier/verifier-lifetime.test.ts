import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jwtVerify } from 'jose';
import { MAX_NUMERIC_DATE } from '../../src/verifier/check-claims.js';
import { VERIFIER_DEFAULTS } from '../../src/verifier/verifier.js';
import { stricterReasons } from './differential-stricter.js';
import { assertRejected, AUDIENCE, ISSUER, keys, NOW, NOW_MS, SKEW, token, verifier } from '../helpers.js';

const DAY = 86_400;
const YEAR = 365 * DAY;
/** A token issued 10 s ago that claims `lifetime` seconds. */
const lived = (lifetime: number, extra: Record<string, unknown> = {}) =>
  token(keys().HS256, {}, { iat: NOW - 10, exp: NOW - 10 + lifetime, ...extra });

describe('verifier: maximum token lifetime (issue #12)', () => {
  it('defaults to one day: exactly a day passes, a second more is lifetime_exceeded', () => {
    assert.equal(VERIFIER_DEFAULTS.maxTokenLifetimeSeconds, DAY);
    const v = verifier();
    assert.equal(v.verify(lived(DAY)).sub, 'usr_7f3a');
    assertRejected(v, lived(DAY + 1), 'lifetime_exceeded');
    assertRejected(v, lived(DAY + 0.5), 'lifetime_exceeded');
  });

  it('refuses the tokens of the issue: an HS256 token living ten years, or with exp 1e308', () => {
    const v = verifier();
    assertRejected(v, lived(10 * YEAR), 'lifetime_exceeded');
    // 1e308 is a finite number, but no date: refused whatever the lifetime limit says.
    assertRejected(v, token(keys().HS256, {}, { exp: 1e308 }), 'claim_invalid');
    assertRejected(
      verifier({ maxTokenLifetimeSeconds: null }),
      token(keys().HS256, {}, { exp: 1e308 }),
      'claim_invalid',
    );
    assertRejected(
      verifier({ maxTokenLifetimeSeconds: null }),
      token(keys().HS256, {}, { exp: 1e20 }),
      'claim_invalid',
    );
  });

  it('bounds exp at 9999-12-31T23:59:59Z even with no lifetime limit', () => {
    const v = verifier({ maxTokenLifetimeSeconds: null });
    assert.equal(v.verify(token(keys().ES256, {}, { exp: MAX_NUMERIC_DATE })).exp, MAX_NUMERIC_DATE);
    assertRejected(v, token(keys().ES256, {}, { exp: MAX_NUMERIC_DATE + 1 }), 'claim_invalid');
    assert.equal(v.verify(lived(10 * YEAR)).sub, 'usr_7f3a', 'null turns the lifetime limit off');
  });

  it('uses the configured limit, in whole and fractional seconds', () => {
    const v = verifier({ maxTokenLifetimeSeconds: 930 });
    assert.equal(v.verify(lived(930)).sub, 'usr_7f3a');
    assertRejected(v, lived(930.001), 'lifetime_exceeded');
    assertRejected(v, lived(931), 'lifetime_exceeded');
  });

  it('holds a token without iat to exp − now <= limit + skew (when iat is not required)', () => {
    const v = verifier({ maxTokenLifetimeSeconds: 600, requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti'] });
    assert.equal(v.verify(token(keys().ES256, {}, { iat: undefined, exp: NOW + 600 + SKEW })).sub, 'usr_7f3a');
    assertRejected(v, token(keys().ES256, {}, { iat: undefined, exp: NOW + 600 + SKEW + 1 }), 'lifetime_exceeded');
  });

  it('an expired token that also claims too long a life is still token_expired (clients refresh)', () => {
    assertRejected(verifier(), token(keys().ES256, {}, { iat: NOW - 10 * YEAR, exp: NOW - 3_600 }), 'expired');
  });

  it('the verified cache keeps the rule: a refused token is never cached, a cached one is re-checked', () => {
    const v = verifier({ cache: true });
    const long = lived(DAY + 1);
    assertRejected(v, long, 'lifetime_exceeded');
    assertRejected(v, long, 'lifetime_exceeded');
    // Without iat the rule depends on now: a clock that steps back makes a cached token too long.
    let nowMs = NOW_MS;
    const clocked = verifier({
      cache: true,
      now: () => nowMs,
      maxTokenLifetimeSeconds: 600,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti'],
    });
    const noIat = token(keys().ES256, {}, { iat: undefined, exp: NOW + 600 });
    assert.equal(clocked.verify(noIat).sub, 'usr_7f3a');
    assert.equal(clocked.verify(noIat).sub, 'usr_7f3a', 'a cache hit');
    nowMs -= (SKEW + 1) * 1000;
    assertRejected(clocked, noIat, 'lifetime_exceeded');
  });

  it('validates maxTokenLifetimeSeconds up front', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '900']) {
      assert.throws(
        () => verifier({ maxTokenLifetimeSeconds: bad as never }),
        /maxTokenLifetimeSeconds must be a positive integer/,
        String(bad),
      );
    }
    assert.doesNotThrow(() => verifier({ maxTokenLifetimeSeconds: null }));
    assert.doesNotThrow(() => verifier({ maxTokenLifetimeSeconds: 1 }));
  });

  it('is stricter than jose here, and differential-stricter.ts says so', async () => {
    for (const [jwt, reason] of [
      [lived(10 * YEAR), 'lifetime_exceeded'],
      [token(keys().HS256, {}, { exp: 1e308 }), 'claim_invalid'],
    ] as const) {
      const { payload } = await jwtVerify(jwt, keys().HS256.privateKey, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        typ: 'at+jwt',
        clockTolerance: SKEW,
        currentDate: new Date(NOW_MS),
      });
      assert.equal(payload.sub, 'usr_7f3a', 'jose accepts it');
      assert.ok(stricterReasons({ token: jwt, dupHeader: false, dupPayload: false }, keys().HS256).has(reason), reason);
    }
  });
});
