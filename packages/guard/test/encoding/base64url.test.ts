import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodeCanonicalBase64url, encodeBase64url, isCanonicalBase64url } from '../../src/encoding/base64url.js';

describe('base64url', () => {
  it('round-trips every length from 0 to 64 bytes', () => {
    for (let n = 0; n <= 64; n++) {
      const bytes = randomBytes(n);
      const text = encodeBase64url(bytes);
      assert.ok(!/[=+/]/.test(text));
      assert.deepEqual(decodeCanonicalBase64url(text), bytes);
    }
  });

  it('encodes a Uint8Array view with an offset correctly', () => {
    const base = Buffer.from('xxhello', 'latin1');
    assert.equal(encodeBase64url(new Uint8Array(base.buffer, base.byteOffset + 2, 5)), 'aGVsbG8');
  });

  it('rejects padding, the base64 alphabet, whitespace and other characters', () => {
    for (const bad of ['aGVsbG8=', 'aGVsbA==', 'ab+c', 'ab/c', 'ab c', 'abc\n', 'ab.c', 'abé', 'ab\u0000c', '====']) {
      assert.equal(decodeCanonicalBase64url(bad), null, JSON.stringify(bad));
    }
  });

  it('rejects a length of 4n+1 (no whole bytes)', () => {
    assert.equal(decodeCanonicalBase64url('a'), null);
    assert.equal(decodeCanonicalBase64url('abcde'), null);
  });

  it('rejects non-zero unused trailing bits (only one string per byte sequence)', () => {
    // "QQ" is 'A'; "QR".."QZ" decode to 'A' too under a forgiving decoder.
    assert.deepEqual(decodeCanonicalBase64url('QQ'), Buffer.from('A'));
    for (const c of 'RSTUVWXYZabcdef') assert.equal(decodeCanonicalBase64url(`Q${c}`), null, c);
    assert.deepEqual(decodeCanonicalBase64url('QUE'), Buffer.from('AA'));
    for (const c of 'FGH') assert.equal(decodeCanonicalBase64url(`QU${c}`), null, c);
    for (let n = 1; n <= 40; n++) {
      const text = encodeBase64url(randomBytes(n));
      for (let i = 0; i < 64; i++) {
        const candidate = text.slice(0, -1) + 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[i];
        const canonical = Buffer.from(candidate, 'base64url').toString('base64url') === candidate;
        assert.equal(isCanonicalBase64url(candidate), canonical, candidate);
      }
    }
  });

  it('checks a range of a larger string (as used on JWS segments)', () => {
    const s = 'aGVsbG8.QR.d29ybGQ';
    assert.equal(isCanonicalBase64url(s, 0, 7), true);
    assert.equal(isCanonicalBase64url(s, 8, 10), false);
    assert.equal(isCanonicalBase64url(s, 11), true);
    assert.equal(isCanonicalBase64url(s, 0, 8), false);
    assert.equal(isCanonicalBase64url(s, 7, 7), true, 'empty range');
  });
});
