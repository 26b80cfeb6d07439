import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calculateJwkThumbprint } from 'jose';
import { generateSigningKey, exportPrivateJwk } from '../../../../src/jose/keys.js';
import { jwkThumbprint } from '../../src/jwk/thumbprint.js';

describe('jwkThumbprint (RFC 7638)', () => {
  it('matches the RFC 7638 §3.1 example', () => {
    const jwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    assert.equal(jwkThumbprint(jwk), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('equals jose calculateJwkThumbprint for EC, OKP, RSA and oct keys', async () => {
    for (const alg of ['ES256', 'EdDSA', 'RS256', 'HS256'] as const) {
      const jwk = exportPrivateJwk(generateSigningKey(alg));
      assert.equal(jwkThumbprint(jwk), await calculateJwkThumbprint(jwk as never, 'sha256'), alg);
    }
  });

  it('refuses JWKs without the required members', () => {
    assert.throws(() => jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'AA' }), /"y"/);
    assert.throws(() => jwkThumbprint({ kty: 'XYZ' }), /kty/);
    assert.throws(() => jwkThumbprint({ kty: 'RSA', n: 'AA', e: 65537 }), /"e"/);
  });
});
