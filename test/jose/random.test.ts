import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomBase64url } from '../../src/jose/random.js';

describe('randomBase64url (pooled CSPRNG bytes)', () => {
  it('gives the asked number of bytes, never the same twice, across many pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const bytes = [16, 32, 9, 64][i % 4] as number;
      const value = randomBase64url(bytes);
      assert.match(value, /^[A-Za-z0-9_-]+$/);
      assert.equal(Buffer.from(value, 'base64url').length, bytes);
      seen.add(value);
    }
    assert.equal(seen.size, 20_000);
  });

  it('draws uniform bytes (no zeroed or repeated pool handed out)', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 4_000; i++)
      for (const b of Buffer.from(randomBase64url(32), 'base64url')) counts[b] = (counts[b] ?? 0) + 1;
    // 128,000 bytes: each value ~500 times; a zeroed pool would pile up on 0.
    for (const [value, count] of counts.entries()) assert.ok(count > 350 && count < 650, `byte ${value}: ${count}`);
  });

  it('serves large requests directly and refuses nonsense sizes', () => {
    assert.equal(Buffer.from(randomBase64url(1000), 'base64url').length, 1000);
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => randomBase64url(bad), RangeError);
  });
});
