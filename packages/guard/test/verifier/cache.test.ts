import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidTokenError, TokenExpiredError } from '../../src/errors.js';
import { LocalKeySource } from '../../src/jwks/local-key-source.js';
import { MemoryRevocationSet } from '../../src/revocation/memory-set.js';
import type { KeySource } from '../../src/types.js';
import { createVerifier } from '../../src/verifier/verifier.js';
import { signJwt } from '../../../../src/jose/sign.js';
import { AUDIENCE, baseClaims, ISSUER, keys, NOW, NOW_MS, SKEW, toVerificationKey } from '../helpers.js';

function setup(max = 100) {
  const key = keys().ES256;
  const source = new LocalKeySource([toVerificationKey(key)]);
  const revocations = new MemoryRevocationSet();
  const clock = { ms: NOW_MS };
  const verifier = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    keys: source,
    revocations,
    now: () => clock.ms,
    cache: { max },
  });
  const token = (claims: Record<string, unknown> = {}) => signJwt(key, { typ: 'at+jwt' }, baseClaims(claims));
  return { key, source, revocations, clock, verifier, token };
}

describe('verified-token cache', () => {
  it('answers a repeat with the same frozen claims', () => {
    const { verifier, token } = setup();
    const t = token();
    const first = verifier.verify(t);
    const second = verifier.verify(t);
    assert.equal(second, first, 'the second call is served from the cache');
    assert.ok(Object.isFrozen(first));
    assert.throws(() => {
      (first as Record<string, unknown>).role = 'admin-ish';
    }, TypeError);
  });

  it('still rejects a cached token once it expires (exp + skew, whole seconds)', () => {
    const { verifier, token, clock } = setup();
    const t = token({ exp: NOW + 60 });
    verifier.verify(t);
    clock.ms = (NOW + 60 + SKEW - 1) * 1000;
    assert.equal(verifier.verify(t).exp, NOW + 60);
    clock.ms = (NOW + 60 + SKEW) * 1000;
    assert.throws(() => verifier.verify(t), TokenExpiredError);
  });

  it('still rejects a cached token once it is revoked, by jti, sid or user', () => {
    for (const kind of ['jti', 'sid', 'user'] as const) {
      const { verifier, token, revocations } = setup();
      const t = token({ iat: NOW - 10 });
      verifier.verify(t);
      const value = kind === 'jti' ? 'jti_0001' : kind === 'sid' ? 'ses_0001' : 'usr_7f3a';
      revocations.add({ kind, value, createdAt: NOW_MS, expiresAt: NOW_MS + 3_600_000 });
      assert.throws(
        () => verifier.verify(t),
        (e: unknown) => e instanceof InvalidTokenError && e.reason === 'revoked',
        kind,
      );
    }
  });

  it('forgets everything when a key is removed, so its tokens stop verifying at once', () => {
    const { verifier, token, source, key } = setup();
    const t = token();
    verifier.verify(t);
    source.remove(key.kid);
    assert.throws(
      () => verifier.verify(t),
      (e: unknown) => e instanceof InvalidTokenError && e.reason === 'unknown_kid',
    );
  });

  it('never serves a tampered token from the cache', () => {
    const { verifier, token } = setup();
    const t = token();
    verifier.verify(t);
    const forged = `${t.slice(0, -2)}${t.endsWith('AA') ? 'AB' : 'AA'}`;
    assert.throws(() => verifier.verify(forged), InvalidTokenError);
  });

  it('is bounded: the least recently used token is dropped and verified again', () => {
    const { verifier, token } = setup(2);
    const [a, b, c] = ['a', 'b', 'c'].map((jti) => token({ jti }));
    const first = verifier.verify(a as string);
    verifier.verify(b as string);
    verifier.verify(c as string);
    assert.notEqual(verifier.verify(a as string), first, 'a was evicted and verified anew');
  });

  it('refuses a key source that cannot report removals', () => {
    const bare: KeySource = { get: () => undefined };
    assert.throws(
      () => createVerifier({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], keys: bare, cache: true }),
      /onRemove/,
    );
    assert.throws(
      () =>
        createVerifier({
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ['ES256'],
          keys: new LocalKeySource(),
          cache: { max: 0 },
        }),
      /cache.max/,
    );
  });
});
