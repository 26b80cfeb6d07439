import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryRevocationSet } from '../../src/revocation/memory-set.js';
import { assertRejected, baseClaims, keys, NOW, NOW_MS, rawToken, SKEW, token, verifier } from '../helpers.js';

const es = () => keys().ES256;
const accepts = (claims: Record<string, unknown>, options = {}) =>
  assert.equal(verifier(options).verify(token(es(), {}, claims)).jti, baseClaims(claims).jti);

describe('verifier: required claims and types', () => {
  for (const name of ['exp', 'iss', 'sub', 'aud', 'iat', 'jti']) {
    it(`rejects a token without ${name}`, () => {
      assertRejected(verifier(), token(es(), {}, { [name]: undefined }), 'claim_missing');
    });
  }

  it('requires exp even when requiredClaims leaves it out', () => {
    assertRejected(verifier({ requiredClaims: [] }), token(es(), {}, { exp: undefined }), 'claim_missing');
    accepts({ jti: undefined, iat: undefined }, { requiredClaims: ['iss', 'sub', 'aud', 'exp'] });
  });

  it('rejects exp, nbf or iat that are not finite numbers', () => {
    for (const bad of ['1800000000', null, true, [1]]) {
      for (const name of ['exp', 'nbf', 'iat']) {
        assertRejected(verifier(), token(es(), {}, { [name]: bad }), 'claim_invalid');
      }
    }
    // JSON.parse turns 1e400 into Infinity: a token that would never expire.
    const header = JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: es().kid });
    const infinite = JSON.stringify(baseClaims({ exp: 0 })).replace('"exp":0', '"exp":1e400');
    assertRejected(verifier(), rawToken(header, infinite, es()), 'claim_invalid');
  });

  it('rejects sub and jti that are not non-empty strings', () => {
    for (const bad of ['', 42, null, ['usr']]) {
      assertRejected(verifier(), token(es(), {}, { sub: bad }), 'claim_invalid');
      assertRejected(verifier(), token(es(), {}, { jti: bad }), 'claim_invalid');
    }
  });

  it('rejects sid, scope, role, client_id, employee_id, iss that are not strings', () => {
    for (const name of ['sid', 'scope', 'role', 'client_id', 'employee_id', 'iss']) {
      assertRejected(verifier(), token(es(), {}, { [name]: 7 }), 'claim_invalid');
    }
  });
});

describe('verifier: issuer and audience', () => {
  it('rejects a different issuer (exact match, no normalisation)', () => {
    for (const iss of ['https://evil.example', 'https://auth.bulwark.test/', 'HTTPS://auth.bulwark.test']) {
      assertRejected(verifier(), token(es(), {}, { iss }), 'iss_mismatch');
    }
  });

  it('rejects an audience that is not ours', () => {
    assertRejected(verifier(), token(es(), {}, { aud: 'billing' }), 'aud_mismatch');
    assertRejected(verifier(), token(es(), {}, { aud: ['billing', 'crm'] }), 'aud_mismatch');
    assertRejected(verifier(), token(es(), {}, { aud: [] }), 'aud_mismatch');
  });

  it('accepts an aud array that contains our audience, and any of several configured audiences', () => {
    accepts({ aud: ['billing', 'payroll'] });
    accepts({ aud: 'crm' }, { audience: ['billing', 'crm'] });
    accepts({ aud: ['x', 'billing'] }, { audience: ['billing', 'crm'] });
  });

  it('rejects an aud that is neither a string nor an array of strings', () => {
    for (const aud of [7, { aud: 'payroll' }, ['payroll', 7]]) {
      assertRejected(verifier(), token(es(), {}, { aud }), 'claim_invalid');
    }
  });
});

describe('verifier: time (frozen clock, 30 s skew)', () => {
  it('accepts exp until the second before exp + skew and reports expiry from then on (RFC 7519 §4.1.4)', () => {
    accepts({ exp: NOW - SKEW + 1 });
    assertRejected(verifier(), token(es(), {}, { exp: NOW - SKEW }), 'expired');
    assertRejected(verifier(), token(es(), {}, { exp: NOW - SKEW - 1 }), 'expired');
    // ms within the same second do not move the edge
    accepts({ exp: NOW - SKEW + 1 }, { now: () => NOW_MS + 999 });
  });

  it('accepts nbf up to now + skew and rejects one second later', () => {
    accepts({ nbf: NOW + SKEW });
    assertRejected(verifier(), token(es(), {}, { nbf: NOW + SKEW + 1 }), 'nbf_future');
  });

  it('accepts iat up to now + skew and rejects one second later', () => {
    accepts({ iat: NOW + SKEW });
    assertRejected(verifier(), token(es(), {}, { iat: NOW + SKEW + 1 }), 'iat_future');
  });

  it('honours clockSkewSeconds 0', () => {
    accepts({ exp: NOW + 1 }, { clockSkewSeconds: 0 });
    assertRejected(verifier({ clockSkewSeconds: 0 }), token(es(), {}, { exp: NOW }), 'expired');
    assertRejected(verifier({ clockSkewSeconds: 0 }), token(es(), {}, { iat: NOW + 1 }), 'iat_future');
  });

  it('does not report expiry for a token whose signature is invalid', () => {
    const jwt = token(es(), {}, { exp: NOW - 3600 });
    assertRejected(verifier(), `${jwt.slice(0, -4)}AAAA`, 'signature_invalid');
  });
});

describe('verifier: revocation (checked last)', () => {
  const revoked = (entry: Parameters<MemoryRevocationSet['add']>[0]) => {
    const set = new MemoryRevocationSet();
    set.add(entry);
    return verifier({ revocations: set });
  };
  const later = NOW_MS + 3_600_000;

  it('rejects a revoked jti', () => {
    assertRejected(
      revoked({ kind: 'jti', value: 'jti_0001', expiresAt: later, createdAt: NOW_MS }),
      token(es()),
      'revoked',
    );
    accepts({ jti: 'jti_0002' }, { revocations: new MemoryRevocationSet() });
  });

  it('rejects every token of a revoked session', () => {
    const v = revoked({ kind: 'sid', value: 'ses_0001', expiresAt: later, createdAt: NOW_MS });
    assertRejected(v, token(es(), {}, { jti: 'other' }), 'revoked');
    assert.equal(v.verify(token(es(), {}, { sid: 'ses_0002' })).sid, 'ses_0002');
  });

  it("rejects a user's tokens issued before the revocation second, not those issued in or after it", () => {
    const v = revoked({ kind: 'user', value: 'usr_7f3a', expiresAt: later, createdAt: NOW_MS + 500 });
    assertRejected(v, token(es(), {}, { iat: NOW - 1 }), 'revoked');
    assert.equal(v.verify(token(es(), {}, { iat: NOW })).iat, NOW);
    assert.equal(v.verify(token(es(), {}, { sub: 'usr_other', iat: NOW - 1 })).sub, 'usr_other');
  });

  it('runs after the claim checks (an expired revoked token reports expiry)', () => {
    const v = revoked({ kind: 'jti', value: 'jti_0001', expiresAt: later, createdAt: NOW_MS });
    assertRejected(v, token(es(), {}, { exp: NOW - 3600 }), 'expired');
  });
});
