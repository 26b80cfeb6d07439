import assert from 'node:assert/strict';
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { InvalidKeyError } from '../../src/jwk/invalid-key-error.js';
import { LocalKeySource, verificationKeyFromJwk } from '../../src/jwks/local-key-source.js';
import { keys, toVerificationKey } from '../helpers.js';

const rsaJwk = () => keys().RS256.publicJwk as Record<string, unknown>;
const ecJwk = () => keys().ES256.publicJwk as Record<string, unknown>;

describe('LocalKeySource', () => {
  it('gets, adds, removes and lists keys, and tells listeners what stopped verifying', () => {
    const removed: string[] = [];
    const source = new LocalKeySource([toVerificationKey(keys().ES256)]);
    const unsubscribe = source.onRemove((kid) => removed.push(kid));
    assert.equal(source.get(keys().ES256.kid)?.alg, 'ES256');
    source.add(toVerificationKey(keys().RS256));
    assert.deepEqual(source.kids().sort(), [keys().ES256.kid, keys().RS256.kid].sort());
    assert.equal(source.remove(keys().ES256.kid), true);
    assert.equal(source.remove(keys().ES256.kid), false);
    assert.deepEqual(removed, [keys().ES256.kid]);
    // set(): same material again is no removal; a kid that disappears is.
    source.set([toVerificationKey(keys().RS256), toVerificationKey(keys().EdDSA)]);
    source.set([toVerificationKey(keys().EdDSA)]);
    assert.deepEqual(removed, [keys().ES256.kid, keys().RS256.kid]);
    unsubscribe();
    source.set([]);
    assert.equal(removed.length, 2);
    assert.equal(source.get(keys().EdDSA.kid), undefined);
  });

  it('refuses keys that do not fit their alg', () => {
    const source = new LocalKeySource();
    const rsaPublic = keys().RS256.publicKey!;
    const bad = [
      { kid: 'a', alg: 'ES256' as const, key: rsaPublic },
      { kid: 'b', alg: 'HS256' as const, key: keys().ES256.publicKey! },
      { kid: 'c', alg: 'HS256' as const, key: createSecretKey(Buffer.alloc(16, 1)) },
      { kid: 'd', alg: 'RS256' as const, key: keys().RS256.privateKey },
      { kid: 'e', alg: 'RS256' as const, key: generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey },
      { kid: 'f', alg: 'ES256' as const, key: generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey },
      { kid: '', alg: 'ES256' as const, key: keys().ES256.publicKey! },
      { kid: 'g', alg: 'ES384' as never, key: keys().ES256.publicKey! },
    ];
    for (const key of bad) assert.throws(() => source.add(key), InvalidKeyError, key.kid);
    assert.deepEqual(source.kids(), []);
  });
});

describe('verificationKeyFromJwk', () => {
  it('imports public JWKs for their alg, keeping the JWK kid', () => {
    const key = verificationKeyFromJwk(ecJwk(), 'ES256');
    assert.equal(key.kid, keys().ES256.kid);
    assert.ok(key.key.equals(keys().ES256.publicKey!));
    assert.equal(verificationKeyFromJwk({ ...rsaJwk(), alg: undefined }, 'PS256').alg, 'PS256');
    assert.equal(verificationKeyFromJwk(keys().EdDSA.publicJwk!, 'EdDSA').key.asymmetricKeyType, 'ed25519');
    const { kid: _kid, ...anonymous } = ecJwk();
    assert.equal(verificationKeyFromJwk(anonymous, 'ES256').kid, keys().ES256.kid, 'thumbprint when no kid');
  });

  it('refuses a kty or crv that does not fit the alg', () => {
    assert.throws(() => verificationKeyFromJwk({ ...ecJwk(), alg: undefined }, 'RS256'), InvalidKeyError);
    assert.throws(() => verificationKeyFromJwk({ ...rsaJwk(), alg: undefined }, 'ES256'), InvalidKeyError);
    assert.throws(() => verificationKeyFromJwk({ ...ecJwk(), alg: undefined, crv: 'P-384' }, 'ES256'), InvalidKeyError);
    assert.throws(() => verificationKeyFromJwk({ ...ecJwk(), alg: undefined }, 'HS256'), InvalidKeyError);
  });

  it('refuses private members and oct keys for asymmetric algs', () => {
    const ecPrivate = keys().ES256.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
    assert.throws(() => verificationKeyFromJwk(ecPrivate, 'ES256'), /private/);
    assert.throws(
      () => verificationKeyFromJwk({ kty: 'oct', k: Buffer.alloc(32, 7).toString('base64url') }, 'ES256'),
      InvalidKeyError,
    );
    assert.throws(() => verificationKeyFromJwk({ ...rsaJwk(), d: 'AQAB' }, 'RS256'), /private/);
  });

  it('refuses a JWK whose alg, use or key_ops say otherwise', () => {
    assert.throws(() => verificationKeyFromJwk(rsaJwk(), 'PS256'), /another algorithm/);
    assert.throws(() => verificationKeyFromJwk({ ...ecJwk(), use: 'enc' }, 'ES256'), /use/);
    assert.throws(() => verificationKeyFromJwk({ ...ecJwk(), key_ops: ['encrypt'] }, 'ES256'), /key_ops/);
    assert.equal(verificationKeyFromJwk({ ...ecJwk(), key_ops: ['verify'] }, 'ES256').alg, 'ES256');
  });

  it('takes oct JWKs of at least 32 bytes for HS256 only', () => {
    const k = Buffer.alloc(32, 9).toString('base64url');
    assert.equal(verificationKeyFromJwk({ kty: 'oct', k }, 'HS256').key.type, 'secret');
    assert.throws(
      () => verificationKeyFromJwk({ kty: 'oct', k: Buffer.alloc(31).toString('base64url') }, 'HS256'),
      InvalidKeyError,
    );
    assert.throws(() => verificationKeyFromJwk({ kty: 'oct', k: `${k}=` }, 'HS256'), InvalidKeyError);
  });

  it('refuses RSA keys below 2048 bits', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    assert.throws(() => verificationKeyFromJwk(small as Record<string, unknown>, 'RS256'), /2048/);
  });
});
