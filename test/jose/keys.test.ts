import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { calculateJwkThumbprint } from 'jose';
import { SIGNING_ALGS, type SigningAlg } from '../../packages/guard/src/jws/algorithms.js';
import { InvalidKeyError } from '../../packages/guard/src/jwk/invalid-key-error.js';
import {
  exportPrivateJwk,
  generateSigningKey,
  importSigningKey,
  signingKeyFromHmacSecret,
  signingKeyFromPrivateJwk,
  type SigningKey,
} from '../../src/jose/keys.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const pem = (key: ReturnType<typeof generateKeyPairSync>['privateKey'], type: 'pkcs8' | 'sec1' | 'pkcs1') =>
  key.export({ type, format: 'pem' } as never) as string;

const generated = new Map<SigningAlg, SigningKey>();
/** One generated key per alg for the whole file (RSA generation is slow). */
const keyFor = (alg: SigningAlg): SigningKey => {
  if (!generated.has(alg)) generated.set(alg, generateSigningKey(alg));
  return generated.get(alg) as SigningKey;
};

describe('generateSigningKey', () => {
  for (const alg of SIGNING_ALGS) {
    it(`generates ${alg} keys whose kid is the RFC 7638 thumbprint`, async () => {
      const key = keyFor(alg);
      assert.equal(key.alg, alg);
      const jwk = key.publicJwk ?? exportPrivateJwk(key);
      assert.equal(key.kid, await calculateJwkThumbprint(jwk as never, 'sha256'));
      if (alg === 'HS256') {
        assert.equal(key.publicKey, null);
        assert.equal(key.publicJwk, null);
        assert.equal(key.privateKey.symmetricKeySize, 32);
      }
    });
  }

  it('publishes public JWKs with kty, key members, kid, alg, use and no private member', () => {
    const expected: Record<string, string[]> = {
      ES256: ['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use'],
      EdDSA: ['kty', 'crv', 'x', 'kid', 'alg', 'use'],
      RS256: ['kty', 'n', 'e', 'kid', 'alg', 'use'],
      PS256: ['kty', 'n', 'e', 'kid', 'alg', 'use'],
    };
    for (const [alg, members] of Object.entries(expected)) {
      const key = keyFor(alg as SigningAlg);
      const jwk = key.publicJwk as Record<string, unknown>;
      assert.deepEqual(Object.keys(jwk).sort(), [...members].sort(), alg);
      assert.equal(jwk.use, 'sig');
      assert.equal(jwk.alg, alg);
      for (const member of PRIVATE_MEMBERS) assert.equal(member in jwk, false, `${alg} ${member}`);
      assert.ok(createPublicKey({ key: jwk as never, format: 'jwk' }).equals(key.publicKey!));
    }
  });

  it('honours modulusLength and refuses RSA below 2048 bits', () => {
    assert.equal(
      generateSigningKey('PS256', { modulusLength: 2304 }).publicKey?.asymmetricKeyDetails?.modulusLength,
      2304,
    );
    assert.throws(() => generateSigningKey('RS256', { modulusLength: 1024 }), InvalidKeyError);
  });
});

describe('importSigningKey', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const ed = generateKeyPairSync('ed25519').privateKey;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  it('reads PKCS#8, SEC1 and PKCS#1 PEM and infers the alg', () => {
    assert.equal(importSigningKey(pem(ec, 'pkcs8')).alg, 'ES256');
    assert.equal(importSigningKey(pem(ec, 'sec1')).alg, 'ES256');
    assert.equal(importSigningKey(`\n${pem(ed, 'pkcs8')}\n`).alg, 'EdDSA');
    assert.equal(importSigningKey(pem(rsa, 'pkcs1')).alg, 'RS256');
    assert.equal(importSigningKey(pem(rsa, 'pkcs8'), 'PS256').alg, 'PS256');
    assert.equal(importSigningKey(pem(ec, 'sec1')).kid, importSigningKey(pem(ec, 'pkcs8')).kid);
  });

  it('reads private JWK JSON and round-trips exportPrivateJwk for every alg', () => {
    for (const alg of SIGNING_ALGS) {
      const key = keyFor(alg);
      const text = JSON.stringify(exportPrivateJwk(key));
      const again = importSigningKey(text);
      assert.equal(again.alg, alg);
      assert.equal(again.kid, key.kid);
      assert.ok(again.privateKey.equals(key.privateKey));
      assert.equal(signingKeyFromPrivateJwk(JSON.parse(text), alg).kid, key.kid);
    }
  });

  it('refuses public-only keys (PEM, JWK) and certificates', () => {
    assert.throws(
      () => importSigningKey(createPublicKey(ec).export({ type: 'spki', format: 'pem' }) as string),
      /public/,
    );
    assert.throws(() => importSigningKey(pem(rsa, 'pkcs1').replaceAll('PRIVATE', 'PUBLIC')), /public/);
    assert.throws(() => importSigningKey(JSON.stringify(keyFor('ES256').publicJwk)), /private part/);
    assert.throws(
      () => importSigningKey('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'),
      /certificate/,
    );
  });

  it('refuses other curves, other key types and small RSA keys', () => {
    for (const key of [
      generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey,
      generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey,
      generateKeyPairSync('ed448').privateKey,
      generateKeyPairSync('x25519').privateKey,
      generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey,
    ]) {
      assert.throws(() => importSigningKey(pem(key, 'pkcs8')), InvalidKeyError);
    }
  });

  it('refuses a key that does not fit the requested alg', () => {
    assert.throws(() => importSigningKey(pem(ec, 'pkcs8'), 'RS256'), /RSA/);
    assert.throws(() => importSigningKey(pem(rsa, 'pkcs8'), 'EdDSA'), /Ed25519/);
    assert.throws(() => importSigningKey(JSON.stringify(exportPrivateJwk(keyFor('HS256'))), 'ES256'), InvalidKeyError);
    assert.throws(
      () => signingKeyFromPrivateJwk({ ...exportPrivateJwk(keyFor('ES256')), alg: 'RS256' }, 'ES256'),
      /RS256/,
    );
  });

  it('refuses garbage, encrypted PEM and JWKs marked for encryption', () => {
    assert.throws(() => importSigningKey('not a key'), InvalidKeyError);
    assert.throws(() => importSigningKey('{"kty":"EC",'), InvalidKeyError);
    const encrypted = ec.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string;
    assert.throws(() => importSigningKey(encrypted), InvalidKeyError);
    assert.throws(() => importSigningKey(JSON.stringify({ ...exportPrivateJwk(keyFor('ES256')), use: 'enc' })), /use/);
  });
});

describe('signingKeyFromHmacSecret', () => {
  it('needs at least 32 bytes and copies the secret', () => {
    assert.throws(() => signingKeyFromHmacSecret(Buffer.alloc(31, 1)), InvalidKeyError);
    const secret = Buffer.alloc(32, 7);
    const key = signingKeyFromHmacSecret(secret);
    secret.fill(0);
    assert.deepEqual(key.privateKey.export(), Buffer.alloc(32, 7));
    assert.equal(key.kid, signingKeyFromHmacSecret(Buffer.alloc(32, 7)).kid);
  });
});
