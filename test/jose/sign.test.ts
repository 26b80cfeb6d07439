import assert from 'node:assert/strict';
import { constants, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { SIGNING_ALGS } from '../../packages/guard/src/jws/algorithms.js';
import { generateSigningKey } from '../../src/jose/keys.js';
import { signJwt } from '../../src/jose/sign.js';

const now = Math.floor(Date.now() / 1000);
const claims = {
  iss: 'https://auth.test',
  sub: 'usr_1',
  aud: 'payroll',
  exp: now + 300,
  iat: now,
  jti: 'j1',
  role: 'clerk',
};

describe('signJwt', () => {
  for (const alg of SIGNING_ALGS) {
    it(`produces ${alg} tokens that jose verifies, with header {alg, typ, kid}`, async () => {
      const key = generateSigningKey(alg);
      const token = signJwt(key, {}, claims);
      const { payload, protectedHeader } = await jwtVerify(token, key.publicKey ?? key.privateKey, {
        algorithms: [alg],
        issuer: claims.iss,
        audience: 'payroll',
        typ: 'at+jwt',
      });
      assert.deepEqual(payload, claims);
      assert.deepEqual(protectedHeader, { alg, typ: 'at+jwt', kid: key.kid });
      if (alg === 'ES256' || alg === 'EdDSA')
        assert.equal(Buffer.from(token.split('.')[2] as string, 'base64url').length, 64);
    });
  }

  it('always takes alg and kid from the key; other header members pass through', () => {
    const key = generateSigningKey('ES256');
    const token = signJwt(key, { alg: 'none', kid: 'attacker', typ: 'JWT', cty: 'x' }, claims);
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'ES256', typ: 'JWT', kid: key.kid, cty: 'x' });
  });

  it('uses PSS with a 32-byte salt for PS256 (RFC 7518 §3.5)', () => {
    const key = generateSigningKey('PS256');
    const token = signJwt(key, {}, claims);
    const dot = token.lastIndexOf('.');
    const input = Buffer.from(token.slice(0, dot));
    const signature = Buffer.from(token.slice(dot + 1), 'base64url');
    const pss = (saltLength: number) =>
      verify('sha256', input, { key: key.publicKey!, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
    assert.equal(pss(32), true);
    assert.equal(pss(20), false);
    assert.equal(pss(64), false);
  });
});
