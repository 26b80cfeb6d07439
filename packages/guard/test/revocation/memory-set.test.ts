import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryRevocationSet } from '../../src/revocation/memory-set.js';
import type { AccessTokenClaims } from '../../src/types.js';

const T = 1_800_000_000_000;
const claims = (over: Partial<AccessTokenClaims> = {}): AccessTokenClaims => ({
  iss: 'i',
  sub: 'usr_1',
  aud: 'a',
  exp: T / 1000 + 600,
  iat: T / 1000 - 5,
  jti: 'j1',
  sid: 's1',
  ...over,
});

describe('MemoryRevocationSet', () => {
  it('revokes by jti and by sid', () => {
    const set = new MemoryRevocationSet();
    assert.equal(set.isRevoked(claims()), false);
    set.add({ kind: 'jti', value: 'j1', expiresAt: T + 1000, createdAt: T });
    assert.equal(set.isRevoked(claims()), true);
    assert.equal(set.isRevoked(claims({ jti: 'j2' })), false);
    set.add({ kind: 'sid', value: 's9', expiresAt: T + 1000, createdAt: T });
    assert.equal(set.isRevoked(claims({ jti: 'j2', sid: 's9' })), true);
    assert.equal(set.isRevoked(claims({ jti: 'j2', sid: undefined })), false);
  });

  it("revokes a user's tokens with iat before the revocation second only", () => {
    const set = new MemoryRevocationSet();
    set.add({ kind: 'user', value: 'usr_1', expiresAt: T + 1000, createdAt: T + 999 });
    assert.equal(set.isRevoked(claims({ iat: T / 1000 - 1 })), true);
    assert.equal(set.isRevoked(claims({ iat: T / 1000 })), false, 'same second: covered by the sid instead');
    assert.equal(set.isRevoked(claims({ iat: T / 1000 + 1 })), false);
    assert.equal(set.isRevoked(claims({ sub: 'usr_2', iat: 0 })), false);
    assert.equal(set.isRevoked(claims({ iat: undefined as unknown as number })), true, 'no iat: never exempt');
  });

  it('keeps the later expiry and cut-off when the same entry is added again', () => {
    const set = new MemoryRevocationSet();
    set.add({ kind: 'user', value: 'usr_1', expiresAt: T + 5000, createdAt: T + 2000 });
    set.add({ kind: 'user', value: 'usr_1', expiresAt: T + 1000, createdAt: T });
    assert.equal(set.isRevoked(claims({ iat: T / 1000 + 1 })), true);
    set.add({ kind: 'jti', value: 'j1', expiresAt: T + 5000, createdAt: T });
    set.add({ kind: 'jti', value: 'j1', expiresAt: T + 1000, createdAt: T });
    assert.equal(set.prune(T + 1000), 0);
    assert.equal(set.size, 2);
  });

  it('prunes entries whose expiresAt <= now', () => {
    const set = new MemoryRevocationSet();
    set.add({ kind: 'jti', value: 'j1', expiresAt: T + 1000, createdAt: T });
    set.add({ kind: 'sid', value: 's1', expiresAt: T + 2000, createdAt: T });
    set.add({ kind: 'user', value: 'usr_1', expiresAt: T + 1000, createdAt: T });
    assert.equal(set.size, 3);
    assert.equal(set.prune(T + 999), 0);
    assert.equal(set.prune(T + 1000), 2);
    assert.equal(set.size, 1);
    assert.equal(set.isRevoked(claims({ jti: 'j1', sid: 'none', iat: 0 })), false);
    assert.equal(set.prune(T + 2000), 1);
    assert.equal(set.size, 0);
  });
});
