import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { exportJWK } from 'jose';
import {
  attackerEc,
  es256With,
  expectAccepted,
  expectRejected,
  headerText,
  hmacToken,
  P256_ORDER,
  scalar,
  signatureOf,
  signedRaw,
  signingInput,
  withSignature,
} from './forge.js';
import { b64url, caseId, encodeJson, GENEROUS_LIMITS, startTarget, type Target } from './harness.js';

/**
 * Forged tokens against a real `bulwark serve`: every one of them carries a signature the
 * server's key made, or one an attacker could make, and must be answered exactly 401
 * invalid_token with the Bearer challenge; the server must stay healthy after each group.
 */
describe('adversarial: token forgery against a live server', () => {
  let target: Target;
  /** The claims of a real token (alice), valid for the whole run. */
  let claims: Record<string, unknown>;
  /** A genuine token: the control every group compares against. */
  let genuine: string;

  before(async () => {
    target = await startTarget(GENEROUS_LIMITS);
    claims = target.claimsOf((await target.login('alice')).access_token);
    genuine = target.forge(claims);
  });
  after(async () => {
    await target?.stop();
  });

  it('control: a token forged with the server key and its exact header is accepted', async () => {
    await expectAccepted(target, genuine, 'forged control token');
    await expectAccepted(target, signedRaw(target, headerText(target), JSON.stringify(claims)), 'signedRaw control');
  });

  describe('alg "none"', () => {
    const casings = ['none', 'None', 'NONE', 'nOnE', 'NoNe', 'nONE'];
    for (const alg of casings) {
      it(`alg "${alg}": empty, garbage and genuine ES256 signatures are all refused`, async () => {
        for (const withKid of [true, false]) {
          const header = withKid ? { alg, typ: 'at+jwt', kid: target.kid } : { alg, typ: 'at+jwt' };
          const input = `${encodeJson(header)}.${encodeJson(claims)}`;
          await expectRejected(target, `${input}.`, `${alg} kid=${withKid}: empty signature`);
          await expectRejected(
            target,
            `${input}.${b64url('garbage-signature')}`,
            `${alg} kid=${withKid}: garbage signature`,
          );
          await expectRejected(target, `${input}.${b64url(Buffer.alloc(64))}`, `${alg} kid=${withKid}: 64 zero bytes`);
          // A real signature of the server's own key over exactly this input.
          const real = sign('sha256', Buffer.from(input), { key: target.privateKey, dsaEncoding: 'ieee-p1363' });
          await expectRejected(target, `${input}.${b64url(real)}`, `${alg} kid=${withKid}: real ES256 signature`);
        }
      });
    }
    it('the server is still healthy', async () => target.assertHealthy());
  });

  describe('signature bytes', () => {
    it('null, truncated and extended signatures of a genuine token are refused', async () => {
      const signature = signatureOf(genuine);
      assert.equal(signature.length, 64);
      const cases: Array<[string, Buffer]> = [
        ['empty third part', Buffer.alloc(0)],
        ['1 byte', signature.subarray(0, 1)],
        ['1 byte short', signature.subarray(0, 63)],
        ['half (r only)', signature.subarray(0, 32)],
        ['s only', signature.subarray(32)],
        ['1 extra zero byte', Buffer.concat([signature, Buffer.alloc(1)])],
        ['1 extra 0xff byte', Buffer.concat([signature, Buffer.from([0xff])])],
        ['leading zero byte', Buffer.concat([Buffer.alloc(1), signature])],
        ['doubled', Buffer.concat([signature, signature])],
        ['r and s swapped', Buffer.concat([signature.subarray(32), signature.subarray(0, 32)])],
        ['last bit flipped', Buffer.concat([signature.subarray(0, 63), Buffer.from([(signature[63] as number) ^ 1])])],
        [
          'r, s zero-padded to 33 bytes',
          Buffer.concat([Buffer.alloc(1), signature.subarray(0, 32), Buffer.alloc(1), signature.subarray(32)]),
        ],
      ];
      for (const [what, bytes] of cases) await expectRejected(target, withSignature(genuine, bytes), what);
      await expectRejected(target, genuine.slice(0, genuine.lastIndexOf('.')), 'no third segment at all');
      await expectRejected(target, `${genuine.slice(0, genuine.lastIndexOf('.'))}.`, 'empty third segment');
    });

    it('psychic signatures (CVE-2022-21449) and other out-of-range r, s are refused', async () => {
      const n = P256_ORDER;
      const cases: Array<[string, bigint, bigint]> = [
        ['r = s = 0', 0n, 0n],
        ['r = s = n', n, n],
        ['r = n, s = 0', n, 0n],
        ['r = 0, s = n', 0n, n],
        ['r = s = n - 1', n - 1n, n - 1n],
        ['r = s = 1', 1n, 1n],
        ['r = 0, s = 1', 0n, 1n],
        ['r = 1, s = 0', 1n, 0n],
        ['r = s = n + 1', n + 1n, n + 1n],
        ['r = s = 2^256 - 1', (1n << 256n) - 1n, (1n << 256n) - 1n],
      ];
      const tokens = [genuine, target.forge({ ...claims, role: 'admin', jti: 'psychic' })];
      for (const token of tokens) {
        for (const [what, r, s] of cases)
          await expectRejected(target, withSignature(token, Buffer.concat([scalar(r), scalar(s)])), what);
      }
    });

    it('a valid ES256 signature of the right input in DER encoding is refused', async () => {
      const input = genuine.slice(0, genuine.lastIndexOf('.'));
      const der = sign('sha256', Buffer.from(input), { key: target.privateKey, dsaEncoding: 'der' });
      assert.equal(der[0], 0x30, 'a DER SEQUENCE');
      await expectRejected(target, `${input}.${b64url(der)}`, 'DER signature');
    });

    it('the server is still healthy', async () => target.assertHealthy());
  });

  describe('key confusion: the public key as an HMAC secret', () => {
    const forms = async (): Promise<Array<[string, Buffer | string]>> => {
      const pem = target.publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const der = target.publicKey.export({ type: 'spki', format: 'der' });
      const jwk = target.publicKey.export({ format: 'jwk' });
      const x = Buffer.from(jwk.x as string, 'base64url');
      const y = Buffer.from(jwk.y as string, 'base64url');
      const published = (
        (await (await fetch(`${target.url}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, unknown>> }
      ).keys[0];
      assert.ok(published !== undefined);
      return [
        ['PEM SPKI', pem],
        ['PEM SPKI without trailing newline', pem.trimEnd()],
        ['PEM SPKI with CRLF', pem.replace(/\n/g, '\r\n')],
        ['PEM SPKI with CRLF, no trailing newline', pem.trimEnd().replace(/\n/g, '\r\n')],
        ['DER SPKI', der],
        ['JWK JSON as published', JSON.stringify(published)],
        ['JWK JSON (kty, crv, x, y)', JSON.stringify({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y })],
        ['raw uncompressed point 04||x||y', Buffer.concat([Buffer.from([4]), x, y])],
        ['raw x||y', Buffer.concat([x, y])],
        ['x alone', x],
        ['the kid', target.kid],
        ['empty secret', Buffer.alloc(0)],
      ];
    };

    it('HS256/HS384/HS512 with each form of the server public key as secret are refused', async () => {
      for (const [what, secret] of await forms()) {
        for (const [alg, hash] of [
          ['HS256', 'sha256'],
          ['HS384', 'sha384'],
          ['HS512', 'sha512'],
        ] as const) {
          for (const header of [
            { alg, typ: 'at+jwt', kid: target.kid },
            { alg, typ: 'JWT', kid: target.kid },
            { alg, typ: 'at+jwt' },
          ]) {
            await expectRejected(
              target,
              hmacToken(hash, header, claims, secret),
              `${alg} ${what} ${JSON.stringify(header)}`,
            );
          }
        }
      }
    });

    it('other EC / Ed25519 key bytes as HMAC secrets are refused', async () => {
      const random = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
      const ed = generateKeyPairSync('ed25519');
      const edPublic = Buffer.from(ed.publicKey.export({ format: 'jwk' }).x as string, 'base64url');
      assert.equal(edPublic.length, 32);
      const header = { alg: 'HS256', typ: 'at+jwt', kid: target.kid };
      await expectRejected(
        target,
        hmacToken('sha256', header, claims, Buffer.from(random.d as string, 'base64url')),
        'HS256 keyed with a random d',
      );
      await expectRejected(
        target,
        hmacToken('sha256', header, claims, edPublic),
        'HS256 keyed with an Ed25519 public key',
      );
      // EdDSA header: a 64-byte HMAC-SHA512 (the length an Ed25519 signature has) keyed with the Ed25519 public key.
      const eddsa = { alg: 'EdDSA', typ: 'at+jwt', kid: target.kid };
      await expectRejected(
        target,
        hmacToken('sha512', eddsa, claims, edPublic),
        'EdDSA header, HMAC-SHA512 keyed with an Ed25519 public key',
      );
      // A genuine Ed25519 signature by the attacker's own key, claiming the server's kid.
      const input = signingInput(JSON.stringify(eddsa), JSON.stringify(claims));
      await expectRejected(
        target,
        `${input}.${b64url(sign(null, Buffer.from(input), ed.privateKey))}`,
        'EdDSA signed by an attacker key under the server kid',
      );
      // And an ES256 signature by another P-256 key under the server's kid.
      const other = attackerEc();
      const esInput = signingInput(headerText(target), JSON.stringify(claims));
      await expectRejected(
        target,
        `${esInput}.${es256With(other.privateKey, esInput)}`,
        'ES256 by an attacker key under the server kid',
      );
    });

    it('the server is still healthy', async () => target.assertHealthy());
  });

  describe('algorithms outside the allow-list', () => {
    it('each is refused, whatever the signature', async () => {
      const algs = [
        'HS384',
        'HS512',
        'HS256',
        'RS256',
        'RS384',
        'RS512',
        'PS256',
        'PS384',
        'ES384',
        'ES512',
        'EdDSA',
        'Ed25519',
        'ES256K',
        '',
        'es256',
        'Es256',
        'ES256 ',
        ' ES256',
        'ES256\u0000',
        'RSA-OAEP',
        'dir',
      ];
      for (const alg of algs) {
        const header = headerText(target, { alg });
        const payload = JSON.stringify(claims);
        // A genuine ES256 signature by the server key over exactly this header (the only thing wrong is alg).
        await expectRejected(
          target,
          signedRaw(target, header, payload),
          `alg ${JSON.stringify(alg)}: server ES256 signature`,
        );
        const input = signingInput(header, payload);
        await expectRejected(
          target,
          `${input}.${b64url(Buffer.alloc(64, 1))}`,
          `alg ${JSON.stringify(alg)}: 64 junk bytes`,
        );
      }
      for (const alg of [null, 256, true, ['ES256'], { name: 'ES256' }]) {
        await expectRejected(
          target,
          signedRaw(target, headerText(target, { alg }), JSON.stringify(claims)),
          `alg ${JSON.stringify(alg)}`,
        );
      }
      await expectRejected(
        target,
        signedRaw(target, JSON.stringify({ typ: 'at+jwt', kid: target.kid }), JSON.stringify(claims)),
        'no alg',
      );
    });

    it('the server is still healthy', async () => target.assertHealthy());
  });

  describe('crit and b64', () => {
    it('any crit and b64:false are refused, even with a genuine signature', async () => {
      const payload = JSON.stringify(claims);
      const headers: Array<Record<string, unknown>> = [
        { crit: ['exp'], exp: 1 },
        { crit: ['exp'] },
        { crit: ['b64'], b64: false },
        { crit: ['b64'], b64: true },
        { crit: [] },
        { crit: 'exp' },
        { crit: null },
        { crit: {} },
        { crit: ['kid'] },
        { b64: false },
        { b64: true },
      ];
      for (const extra of headers)
        await expectRejected(
          target,
          signedRaw(target, headerText(target, extra), payload),
          `header ${JSON.stringify(extra)}`,
        );
      // RFC 7797 unencoded payload: the signing input uses the raw payload bytes, the compact
      // form leaves the payload segment empty (detached) or carries it raw.
      const header = headerText(target, { b64: false, crit: ['b64'] });
      const unencodedInput = `${b64url(header)}.${payload}`;
      const signature = es256With(target.privateKey, unencodedInput);
      await expectRejected(target, `${b64url(header)}..${signature}`, 'b64:false detached payload');
      await expectRejected(target, `${b64url(header)}.${payload}.${signature}`, 'b64:false raw payload in the token');
    });

    it('the server is still healthy', async () => target.assertHealthy());
  });

  describe('key references in the header', () => {
    it('an embedded jwk (the attacker key, token signed with it) is refused', async () => {
      const attacker = attackerEc();
      const jwk = await exportJWK(attacker.publicKey);
      const payload = JSON.stringify(claims);
      for (const extra of [
        { jwk },
        { jwk, kid: 'attacker' },
        { jwk: { ...jwk, kid: target.kid }, kid: target.kid },
        { jwk, kid: undefined },
      ]) {
        const header = headerText(target, extra);
        const input = signingInput(header, payload);
        await expectRejected(
          target,
          `${input}.${es256With(attacker.privateKey, input)}`,
          `attacker-signed ${JSON.stringify(Object.keys(extra))}`,
        );
        // Even signed by the server key, a header that names its own key is refused.
        await expectRejected(
          target,
          signedRaw(target, header, payload),
          `server-signed ${JSON.stringify(Object.keys(extra))}`,
        );
      }
    });

    it('x5c with a self-signed certificate chain, x5t and x5t#S256 are refused', async () => {
      const attacker = attackerEc();
      // Any base64 DER stands in for the chain: the point is that the server never reads it.
      const fakeCert = Buffer.concat([
        Buffer.from([0x30, 0x82, 0x01, 0x00]),
        attacker.publicKey.export({ type: 'spki', format: 'der' }),
      ]).toString('base64');
      const payload = JSON.stringify(claims);
      for (const extra of [
        { x5c: [fakeCert] },
        { x5c: [fakeCert, fakeCert] },
        { x5c: [] },
        { x5t: b64url(Buffer.alloc(20, 7)) },
        { 'x5t#S256': b64url(Buffer.alloc(32, 7)) },
      ]) {
        const header = headerText(target, extra);
        const input = signingInput(header, payload);
        await expectRejected(
          target,
          `${input}.${es256With(attacker.privateKey, input)}`,
          `attacker-signed ${Object.keys(extra)[0]}`,
        );
        await expectRejected(target, signedRaw(target, header, payload), `server-signed ${Object.keys(extra)[0]}`);
      }
    });

    it('the server is still healthy', async () => target.assertHealthy());
  });

  describe('kid injection', () => {
    const kids: unknown[] = [
      '../../../../dev/null',
      '../../../../../../../../etc/passwd',
      '/etc/passwd',
      '/dev/null',
      'file:///etc/passwd',
      "' OR 1=1 --",
      "x' UNION SELECT 'secret' --",
      '"; DROP TABLE signing_keys; --',
      '|cat /etc/passwd',
      '$(cat /etc/passwd)',
      '`id`',
      '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '\u0000',
      'kid\u0000',
      'ключ-🔑-鍵',
      '\u202Ekid',
      ' ',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      '',
      123,
      0,
      null,
      true,
      { kid: 'x' },
      [],
      ['x'],
    ];
    it('path traversal, injection, odd and non-string kids are refused (genuine signatures)', async () => {
      const payload = JSON.stringify(claims);
      const all = [
        ...kids,
        `${'A'.repeat(10)}`,
        `${String(target.kid)}\u0000`,
        ` ${target.kid}`,
        `${target.kid} `,
        target.kid.toUpperCase(),
        target.kid.toLowerCase() === target.kid ? `${target.kid}x` : target.kid.toLowerCase(),
      ];
      for (const kid of all) {
        await expectRejected(
          target,
          signedRaw(target, headerText(target, { kid }), payload),
          `kid ${caseId(JSON.stringify(kid))} ${JSON.stringify(kid).slice(0, 40)}`,
        );
      }
      await expectRejected(
        target,
        signedRaw(target, JSON.stringify({ alg: 'ES256', typ: 'at+jwt' }), payload),
        'no kid',
      );
    });

    it('a 10 KB kid is refused with 401, not a 5xx', async () => {
      const token = signedRaw(target, headerText(target, { kid: 'k'.repeat(10 * 1024) }), JSON.stringify(claims));
      await expectRejected(target, token, '10 KB kid');
      const padded = signedRaw(
        target,
        headerText(target, { kid: `${target.kid}${'/..'.repeat(2_000)}` }),
        JSON.stringify(claims),
      );
      await expectRejected(target, padded, 'real kid + 6 KB of path');
    });

    it('the server is still healthy', async () => target.assertHealthy());
  });

  it('no input above produced a 5xx in the server log', () => {
    assert.doesNotMatch(target.server.output(), /"level":(50|60)|request failed|internal_error/);
  });
});
