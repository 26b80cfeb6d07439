import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { compactDecrypt, CompactEncrypt, exportJWK } from 'jose';
import { KEY_MANAGEMENT_ALGS } from '../../src/jwe/algorithms.js';
import { encryptNestedJwt } from '../../src/jwe/encrypt.js';
import { InvalidTokenError } from '../../src/errors.js';
import { assertRejected, baseClaims, keys, token, verifier } from '../helpers.js';
import { craftJwe, flipBit, jweKeys, offCurveEpk } from './jwe-helpers.js';

const signed = () => token(keys().ES256);

for (const alg of KEY_MANAGEMENT_ALGS) {
  describe(`encrypted access tokens: ${alg} + A256GCM`, () => {
    const key = jweKeys()[alg];
    const v = verifier({ decryption: { key: key.privateKey } });

    it('a nested JWT decrypts and verifies to the signed claims', () => {
      const jwe = encryptNestedJwt(signed(), key);
      assert.equal(jwe.split('.').length, 5);
      assert.deepEqual(v.verify(jwe), baseClaims());
    });

    it('reveals only alg, enc, cty, kid (and epk) in its header; the claims are not readable', () => {
      const jwe = encryptNestedJwt(signed(), key);
      const header = JSON.parse(Buffer.from(jwe.split('.')[0] as string, 'base64url').toString()) as Record<
        string,
        unknown
      >;
      assert.deepEqual(
        Object.keys(header).sort(),
        alg === 'RSA-OAEP-256' ? ['alg', 'cty', 'enc', 'kid'] : ['alg', 'cty', 'enc', 'epk', 'kid'],
      );
      assert.equal(header.kid, key.kid);
      assert.notEqual(header.kid, keys().ES256.kid, 'the JWE header never names the signing key');
      for (const part of jwe.split('.').slice(1)) {
        const text = Buffer.from(part, 'base64url').toString('latin1');
        for (const claim of ['usr_7f3a', 'payroll', 'admin', 'jti_0001', keys().ES256.kid])
          assert.ok(!text.includes(claim), `${claim} readable`);
      }
    });

    it('jose decrypts what we encrypt, and we decrypt what jose encrypts', async () => {
      const inner = signed();
      const ours = await compactDecrypt(encryptNestedJwt(inner, key), key.privateKey, {
        keyManagementAlgorithms: [alg],
        contentEncryptionAlgorithms: ['A256GCM'],
      });
      assert.equal(new TextDecoder().decode(ours.plaintext), inner);
      assert.equal(ours.protectedHeader.cty, 'JWT');
      const theirs = await new CompactEncrypt(new TextEncoder().encode(inner))
        .setProtectedHeader({ alg, enc: 'A256GCM', cty: 'JWT' })
        .encrypt(key.publicKey);
      assert.deepEqual(v.verify(theirs), baseClaims());
    });

    it('takes the key as a PEM or a private JWK, and names it by thumbprint or the JWK kid', async () => {
      const pem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      assert.deepEqual(
        verifier({ decryption: { key: pem, alg } }).verify(encryptNestedJwt(signed(), key)),
        baseClaims(),
      );
      const jwk = { ...(await exportJWK(key.privateKey)), kid: 'enc-2026', use: 'enc', alg };
      const fromJwk = verifier({ decryption: { key: jwk } });
      assert.deepEqual(fromJwk.verify(craftJwe(signed(), key, { header: { kid: 'enc-2026' } })), baseClaims());
      assert.deepEqual(fromJwk.verify(craftJwe(signed(), key, { header: { kid: undefined } })), baseClaims());
      assertRejected(fromJwk, craftJwe(signed(), key, { header: { kid: 'enc-2025' } }), 'unknown_kid');
    });

    it('refuses a plain JWS once encryption is configured, and a JWE without it', () => {
      assertRejected(v, signed(), 'jwe_required');
      assertRejected(verifier(), encryptNestedJwt(signed(), key), 'jwe_unexpected');
      // Nested once only: a JWE inside the JWE is not a JWS.
      assertRejected(v, encryptNestedJwt(encryptNestedJwt(signed(), key), key), 'jwe_unexpected');
    });

    it('refuses every alg but the configured one: RSA1_5, PBES2, dir, A256KW, the other alg', () => {
      const other = KEY_MANAGEMENT_ALGS.find((a) => a !== alg) as string;
      for (const refused of [
        'RSA1_5',
        'RSA-OAEP',
        'PBES2-HS256+A128KW',
        'PBES2-HS512+A256KW',
        'dir',
        'A256KW',
        'ECDH-ES',
        'ECDH-ES+A128KW',
        other,
        'none',
      ]) {
        assertRejected(
          v,
          craftJwe(signed(), key, { header: { alg: refused, p2s: 'c2FsdA', p2c: 1000 } }),
          'alg_not_allowed',
        );
      }
    });

    it('refuses other enc, zip, crit, key references, a missing or wrong cty, a foreign typ', () => {
      for (const enc of ['A128GCM', 'A192GCM', 'A256CBC-HS512', 'A128CBC-HS256'])
        assertRejected(v, craftJwe(signed(), key, { header: { enc } }), 'enc_not_allowed');
      assertRejected(v, craftJwe(signed(), key, { header: { zip: 'DEF' } }), 'zip_unsupported');
      assertRejected(v, craftJwe(signed(), key, { header: { crit: ['exp'], exp: 1 } }), 'crit_unsupported');
      for (const name of ['jku', 'x5u', 'jwk', 'x5c', 'x5t'])
        assertRejected(
          v,
          craftJwe(signed(), key, { header: { [name]: 'https://attacker.example/k' } }),
          'header_key_reference',
        );
      assertRejected(v, craftJwe(signed(), key, { header: { cty: undefined } }), 'cty_invalid');
      assertRejected(v, craftJwe(signed(), key, { header: { cty: 'json' } }), 'cty_invalid');
      assert.deepEqual(v.verify(craftJwe(signed(), key, { header: { cty: 'application/jwt' } })), baseClaims());
      assertRejected(v, craftJwe(signed(), key, { header: { typ: 'JOSE' } }), 'typ_invalid');
      assertRejected(v, craftJwe(signed(), key, { header: { enc: undefined } }), 'header_invalid');
    });

    it('refuses a bad tag, a changed header, ciphertext, IV or encrypted key with one reason', () => {
      const jwe = encryptNestedJwt(signed(), key);
      for (const index of [1, 3, 4]) assertRejected(v, flipBit(jwe, index, 5), 'decryption_failed');
      assertRejected(v, flipBit(jwe, 2, 3), 'decryption_failed');
      // Encrypted to another key of the same kind, under our kid: the unwrap fails, same reason as a bad tag.
      assertRejected(
        v,
        encryptNestedJwt(signed(), { alg, kid: key.kid, publicKey: otherPublicKey(alg) }),
        'decryption_failed',
      );
      assertRejected(
        v,
        craftJwe(signed(), key, { encryptedKey: Buffer.alloc(alg === 'RSA-OAEP-256' ? 256 : 40, 7) }),
        'decryption_failed',
      );
      assertRejected(v, craftJwe(signed(), key, { encryptedKey: Buffer.alloc(3, 7) }), 'decryption_failed');
    });

    it('refuses a truncated tag, a short IV and non-canonical segments as malformed', () => {
      assertRejected(v, craftJwe(signed(), key, { tagBytes: 15 }), 'malformed');
      assertRejected(v, craftJwe(signed(), key, { tagBytes: 8 }), 'malformed');
      assertRejected(v, craftJwe(signed(), key, { ivBytes: 16 }), 'malformed');
      const parts = encryptNestedJwt(signed(), key).split('.');
      assertRejected(v, [...parts.slice(0, 4), `${parts[4] as string}=`].join('.'), 'malformed');
      assertRejected(v, [...parts.slice(0, 2), '', ...parts.slice(3)].join('.'), 'malformed');
      // An empty encrypted key is well-formed JWE (dir, ECDH-ES): for our algs it does not unwrap.
      assertRejected(v, [parts[0], '', ...parts.slice(2)].join('.'), 'decryption_failed');
      assertRejected(v, `${parts.join('.')}.x`, 'malformed');
    });

    it('refuses a duplicate header member and a JWS plaintext that does not verify', () => {
      const jwe = encryptNestedJwt(signed(), key);
      const header = Buffer.from(jwe.split('.')[0] as string, 'base64url').toString();
      const duplicated = `${Buffer.from(`${header.slice(0, -1)},"enc":"A256GCM"}`).toString('base64url')}.${jwe.split('.').slice(1).join('.')}`;
      assertRejected(v, duplicated, 'header_invalid');
      assertRejected(v, encryptNestedJwt(`${signed().slice(0, -4)}AAAA`, key), 'signature_invalid');
      assertRejected(v, encryptNestedJwt('not a jws', key), 'malformed');
    });
  });
}

function otherPublicKey(alg: string) {
  return alg === 'RSA-OAEP-256'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey
    : generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
}

describe('ECDH-ES epk checks', () => {
  const key = jweKeys()['ECDH-ES+A256KW'];
  const v = verifier({ decryption: { key: key.privateKey } });

  it('node:crypto refuses an off-curve point, and so do we (epk_invalid), before any key agreement', () => {
    const epk = offCurveEpk();
    assert.throws(() => createPublicKey({ key: epk, format: 'jwk' }), /Invalid JWK EC key/);
    assertRejected(v, craftJwe(signed(), key, { header: { epk: offCurveEpk() } }), 'epk_invalid');
  });

  it('refuses an epk of another curve or type, with private members, short or non-canonical coordinates, or missing', () => {
    const good = craftJwe(signed(), key);
    const epk = (
      JSON.parse(Buffer.from(good.split('.')[0] as string, 'base64url').toString()) as { epk: Record<string, string> }
    ).epk;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' });
    const x25519 = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });
    const shortX = Buffer.from(epk.x as string, 'base64url')
      .subarray(1)
      .toString('base64url');
    for (const bad of [
      p384,
      x25519,
      { ...epk, crv: 'P-384' },
      { ...epk, kty: 'OKP' },
      { ...epk, d: epk.x },
      { ...epk, x: shortX },
      { ...epk, y: `${epk.y as string}A` },
      'epk',
      null,
      undefined,
    ]) {
      assertRejected(v, craftJwe(signed(), key, { header: { epk: bad } }), 'epk_invalid');
    }
  });
});

describe('decryption option checked up front', () => {
  const ec = jweKeys()['ECDH-ES+A256KW'];
  it('refuses a public key, another curve, a small RSA key, an alg that does not fit, a signing JWK', async () => {
    const cases: unknown[] = [
      { key: ec.publicKey },
      { key: generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey },
      { key: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey },
      { key: generateKeyPairSync('ed25519').privateKey },
      { key: ec.privateKey, alg: 'RSA-OAEP-256' },
      { key: ec.privateKey, alg: 'RSA1_5' },
      { key: { ...(await exportJWK(ec.privateKey)), use: 'sig' } },
      { key: { ...(await exportJWK(ec.privateKey)), alg: 'ECDH-ES' } },
      { key: await exportJWK(ec.publicKey) },
      { key: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' },
      { key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' },
      null,
    ];
    for (const decryption of cases) {
      assert.throws(
        () => verifier({ decryption: decryption as never }),
        (e: unknown) => e instanceof TypeError && /^verifier: decryption/.test(e.message),
        JSON.stringify(decryption),
      );
    }
  });

  it('refusal messages never carry key material', () => {
    const pem = ec.privateKey.export({ format: 'pem', type: 'sec1' }).toString();
    try {
      verifier({ decryption: { key: pem, alg: 'RSA-OAEP-256' } });
      assert.fail('accepted');
    } catch (error) {
      assert.ok(error instanceof TypeError);
      assert.ok(!error.message.includes(pem.split('\n')[1] as string));
    }
  });

  it('every refusal is an InvalidTokenError (401), never another error', () => {
    const v = verifier({ decryption: { key: ec.privateKey } });
    for (const junk of [
      'a.b.c.d.e',
      '....',
      'x'.repeat(9000),
      `${'A'.repeat(10)}.${'B'.repeat(10)}.${'C'.repeat(16)}.${'D'.repeat(8)}.${'E'.repeat(22)}`,
    ]) {
      assert.throws(
        () => v.verify(junk),
        (e: unknown) => e instanceof InvalidTokenError && e.status === 401,
      );
    }
  });
});

describe('verifyAsync on encrypted tokens', () => {
  it('asks a fetching key source for the signing kid of the nested JWS, not the JWE kid', async () => {
    const key = jweKeys()['RSA-OAEP-256'];
    const asked: string[] = [];
    const v = verifier({
      decryption: { key: key.privateKey },
      keys: {
        get: () => undefined,
        refreshForUnknownKid: async (kid) => {
          asked.push(kid);
          return false;
        },
      },
    });
    await assert.rejects(
      v.verifyAsync(encryptNestedJwt(signed(), key)),
      (e: unknown) => e instanceof InvalidTokenError && e.reason === 'unknown_kid',
    );
    assert.deepEqual(asked, [keys().ES256.kid]);
  });
});
