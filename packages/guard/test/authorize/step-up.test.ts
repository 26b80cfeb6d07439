import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStepUpCheck, InsufficientUserAuthenticationError } from '../../src/authorize/step-up.js';
import type { AccessTokenClaims } from '../../src/types.js';

const NOW = 1_800_000_000_000;
const claims = (amr: string[] | undefined, authTime = NOW / 1000 - 10) =>
  ({ sub: 'u', amr, auth_time: authTime }) as unknown as AccessTokenClaims;
const shortfall = (check: (c: AccessTokenClaims) => void, c: AccessTokenClaims) => {
  try {
    check(c);
  } catch (error) {
    assert.ok(error instanceof InsufficientUserAuthenticationError);
    return error.shortfall;
  }
  return 'accepted';
};

describe('RFC 9470 step-up: stepUp.amr as one method or a list of acceptable ones', () => {
  it('one method: the token must list it', () => {
    const check = createStepUpCheck({ amr: 'otp', maxAgeSeconds: 60, now: () => NOW }, 'route');
    assert.equal(shortfall(check, claims(['pwd', 'otp'])), 'accepted');
    assert.equal(shortfall(check, claims(['hwk', 'user', 'mfa'])), 'amr_missing');
  });

  it('a list: any one of them will do (a TOTP login or a passkey); still bounded by auth_time', () => {
    const check = createStepUpCheck({ amr: ['otp', 'hwk', 'swk'], maxAgeSeconds: 60, now: () => NOW }, 'route');
    assert.equal(shortfall(check, claims(['pwd', 'otp'])), 'accepted');
    assert.equal(shortfall(check, claims(['hwk', 'user', 'mfa'])), 'accepted');
    assert.equal(shortfall(check, claims(['swk', 'user', 'mfa'])), 'accepted');
    assert.equal(shortfall(check, claims(['pwd'])), 'amr_missing');
    assert.equal(shortfall(check, claims(undefined)), 'amr_missing');
    assert.equal(shortfall(check, claims(['hwk'], NOW / 1000 - 61)), 'auth_too_old');
  });

  it('refuses an empty list or a malformed method name at set-up', () => {
    assert.throws(() => createStepUpCheck({ amr: [], maxAgeSeconds: 60 }, 'route'), TypeError);
    assert.throws(() => createStepUpCheck({ amr: ['otp', 'no spaces'], maxAgeSeconds: 60 }, 'route'), TypeError);
  });
});
