import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CompactEncrypt } from 'jose';
import { KEY_MANAGEMENT_ALGS } from '../../src/jwe/algorithms.js';
import { encryptNestedJwt } from '../../src/jwe/encrypt.js';
import { InvalidTokenError } from '../../src/errors.js';
import { baseClaims, keys, rawToken, verifier } from '../helpers.js';
import { flipBit, jweKeys } from './jwe-helpers.js';

const RESERVED = new Set(Object.keys(baseClaims()));
const extraClaims = fc.dictionary(
  fc.stringMatching(/^[a-z_]{1,12}$/).filter((name) => !RESERVED.has(name)),
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.integer(),
    fc.boolean(),
    fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
  ),
  { maxKeys: 6 },
);

for (const alg of KEY_MANAGEMENT_ALGS) {
  describe(`JWE properties: ${alg}`, () => {
    const key = jweKeys()[alg];
    const v = verifier({ decryption: { key: key.privateKey } });
    const signing = keys().ES256;
    const jwsOf = (claims: Record<string, unknown>) =>
      rawToken(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: signing.kid }), JSON.stringify(claims), signing);

    it('random claims signed by us and encrypted by jose decrypt and verify to the same claims', async () => {
      await fc.assert(
        fc.asyncProperty(extraClaims, async (extra) => {
          const claims = baseClaims(extra);
          const jwe = await new CompactEncrypt(new TextEncoder().encode(jwsOf(claims)))
            .setProtectedHeader({ alg, enc: 'A256GCM', cty: 'JWT' })
            .encrypt(key.publicKey);
          assert.deepEqual(v.verify(jwe), claims);
        }),
        { numRuns: 40 },
      );
    });

    it('a single bit flipped anywhere in any of the five parts is refused, always as invalid_token', () => {
      const jwe = encryptNestedJwt(jwsOf(baseClaims()), key);
      const lengths = jwe.split('.').map((part) => Buffer.from(part, 'base64url').length);
      const flips = fc
        .integer({ min: 0, max: 4 })
        .chain((segment) =>
          fc.tuple(fc.constant(segment), fc.integer({ min: 0, max: (lengths[segment] as number) * 8 - 1 })),
        );
      fc.assert(
        fc.property(flips, ([segment, bit]) => {
          assert.throws(
            () => v.verify(flipBit(jwe, segment, bit)),
            (e: unknown) => e instanceof InvalidTokenError && e.status === 401,
          );
        }),
        { numRuns: 300 },
      );
    });
  });
}
