import assert from 'node:assert/strict';
import { createHmac, createPublicKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateSigningKey } from '../../../../src/jose/keys.js';
import { LocalKeySource } from '../../src/jwks/local-key-source.js';
import { createVerifier } from '../../src/verifier/verifier.js';
import {
  ALL_ALGS,
  assertRejected,
  b64,
  baseClaims,
  keys,
  rawToken,
  toVerificationKey,
  token,
  verifier,
} from '../helpers.js';

function hmacToken(header: Record<string, unknown>, secret: Buffer | string): string {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(baseClaims()))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

describe('verifier: happy path', () => {
  for (const alg of ALL_ALGS) {
    it(`accepts a valid ${alg} token and returns its claims`, () => {
      const claims = verifier().verify(token(keys()[alg]));
      assert.deepEqual({ ...claims }, baseClaims());
    });
  }

  it('accepts typ in any case and with the application/ prefix (RFC 7515 §4.1.9)', () => {
    for (const typ of ['AT+JWT', 'application/at+jwt', 'Application/At+Jwt']) {
      assert.equal(verifier().verify(token(keys().ES256, { typ })).sub, 'usr_7f3a');
    }
  });
});

describe('createVerifier options', () => {
  it('refuses options that would weaken or break verification', () => {
    const keySource = new LocalKeySource();
    const base = { issuer: 'https://i.test', audience: 'payroll', algorithms: ['ES256' as const], keys: keySource };
    for (const bad of [
      { issuer: '' },
      { audience: [] },
      { audience: [''] },
      { algorithms: [] },
      { algorithms: ['none'] },
      { algorithms: ['ES384'] },
      { keys: {} },
      { typ: '' },
      { clockSkewSeconds: -1 },
      { clockSkewSeconds: Number.NaN },
      { maxTokenLength: 0 },
      { requiredClaims: [''] },
    ]) {
      assert.throws(() => createVerifier({ ...base, ...bad } as never), TypeError, JSON.stringify(bad));
    }
    assert.equal(typeof createVerifier(base).verify, 'function');
  });
});

describe('verifier: algorithm rules', () => {
  for (const alg of ['none', 'NONE', 'nOnE']) {
    it(`rejects alg "${alg}" with and without a signature`, () => {
      const header = b64(JSON.stringify({ alg, typ: 'at+jwt', kid: keys().ES256.kid }));
      const payload = b64(JSON.stringify(baseClaims()));
      assertRejected(verifier(), `${header}.${payload}.`, 'alg_not_allowed');
      assertRejected(verifier(), `${header}.${payload}.${b64('signature')}`, 'alg_not_allowed');
    });
  }

  it('rejects HS256 "signed" with the ES256 public key (PEM, JWK JSON, raw point) as the secret', () => {
    const es = keys().ES256;
    const pem = createPublicKey(es.privateKey).export({ type: 'spki', format: 'pem' });
    const der = createPublicKey(es.privateKey).export({ type: 'spki', format: 'der' });
    const header = { alg: 'HS256', typ: 'at+jwt', kid: es.kid };
    for (const secret of [pem, JSON.stringify(es.publicJwk), der]) {
      assertRejected(verifier(), hmacToken(header, secret), 'alg_key_mismatch');
      assertRejected(verifier({ algorithms: ['ES256'] }), hmacToken(header, secret), 'alg_not_allowed');
    }
  });

  it("rejects a token whose alg names another algorithm than its kid's key (RS256 vs PS256)", () => {
    const rs = keys().RS256;
    const forged = rawToken(
      JSON.stringify({ alg: 'PS256', typ: 'at+jwt', kid: rs.kid }),
      JSON.stringify(baseClaims()),
      { ...keys().PS256, privateKey: rs.privateKey },
    );
    assertRejected(verifier(), forged, 'alg_key_mismatch');
  });

  it('rejects an alg outside the allow-list even when the signature is valid', () => {
    assertRejected(verifier({ algorithms: ['ES256'] }), token(keys().RS256), 'alg_not_allowed');
    assertRejected(verifier(), token(keys().ES256, { alg: 'ES384' }), 'alg_not_allowed');
  });

  it('rejects a missing or non-string alg', () => {
    assertRejected(verifier(), token(keys().ES256, { alg: undefined }), 'header_invalid');
    assertRejected(verifier(), token(keys().ES256, { alg: ['ES256'] }), 'header_invalid');
  });
});

describe('verifier: header rules', () => {
  it('rejects an embedded jwk header, even one carrying the right key', () => {
    const es = keys().ES256;
    assertRejected(verifier(), token(es, { jwk: es.publicJwk }), 'header_key_reference');
  });

  for (const name of ['jku', 'x5u', 'x5c', 'x5t', 'x5t#S256']) {
    it(`rejects a "${name}" header`, () => {
      const value = name === 'x5c' ? ['MIIB'] : 'https://attacker.example/keys';
      assertRejected(verifier(), token(keys().ES256, { [name]: value }), 'header_key_reference');
    });
  }

  it('rejects an unknown kid, and a missing, empty or non-string kid', () => {
    const stranger = generateSigningKey('ES256');
    assertRejected(verifier(), token(stranger), 'unknown_kid');
    assertRejected(verifier(), token(keys().ES256, { kid: undefined }), 'header_invalid');
    assertRejected(verifier(), token(keys().ES256, { kid: '' }), 'header_invalid');
    assertRejected(verifier(), token(keys().ES256, { kid: 7 }), 'header_invalid');
  });

  it('rejects a removed kid (the key source is consulted on every call)', () => {
    const source = new LocalKeySource([toVerificationKey(keys().ES256)]);
    const v = verifier({ keys: source });
    const jwt = token(keys().ES256);
    v.verify(jwt);
    source.remove(keys().ES256.kid);
    assertRejected(v, jwt, 'unknown_kid');
  });

  it('re-binds a remembered header to the key now under its kid (alg still must match)', () => {
    const es = keys().ES256;
    const source = new LocalKeySource([toVerificationKey(es)]);
    const v = verifier({ keys: source });
    const jwt = token(es);
    v.verify(jwt);
    source.set([{ kid: es.kid, alg: 'EdDSA', key: keys().EdDSA.publicKey! }]);
    assertRejected(v, jwt, 'alg_key_mismatch');
    source.set([{ kid: es.kid, alg: 'ES256', key: generateSigningKey('ES256').publicKey! }]);
    assertRejected(v, jwt, 'signature_invalid');
    source.set([toVerificationKey(es)]);
    assert.equal(v.verify(jwt).sub, 'usr_7f3a');
  });

  it('rejects a wrong or missing typ', () => {
    for (const typ of ['JWT', 'jwt', 'application/jwt', 'at+jwt2', 'foo/at+jwt', 1]) {
      assertRejected(verifier(), token(keys().ES256, { typ }), 'typ_invalid');
    }
    assertRejected(verifier(), token(keys().ES256, { typ: undefined }), 'typ_invalid');
  });

  it('rejects any crit header (no extension is understood)', () => {
    assertRejected(verifier(), token(keys().ES256, { crit: ['exp'], exp: 1 }), 'crit_unsupported');
    assertRejected(verifier(), token(keys().ES256, { crit: [] }), 'crit_unsupported');
  });

  it('rejects b64 (RFC 7797 unencoded payloads), false or true', () => {
    assertRejected(verifier(), token(keys().ES256, { b64: false }), 'b64_unsupported');
    assertRejected(verifier(), token(keys().ES256, { b64: true }), 'b64_unsupported');
  });
});
