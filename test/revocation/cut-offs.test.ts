import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RevocationService } from '../../src/auth/revocation/revocation-service.js';
import type { RevocationRecord, RevocationsStore } from '../../src/store/types.js';
import type { AccessTokenClaims } from '../../packages/guard/src/types.js';

const TTL_MS = 900_000;
const SKEW_MS = 30_000;
/** The database's clock, in the test: the instance's own runs 20 s behind it. */
const DB_NOW = 1_800_000_000_000;
const OWN_NOW = DB_NOW - 20_000;

function memoryStore(): RevocationsStore & { rows: RevocationRecord[]; purgedAt: number[] } {
  const rows: RevocationRecord[] = [];
  const purgedAt: number[] = [];
  return {
    rows,
    purgedAt,
    add: async (entry) => void rows.push(entry),
    listActive: async (now) => rows.filter((r) => r.expiresAt > now),
    purgeExpired: async (now) => (purgedAt.push(now), 0),
    clockMs: async () => DB_NOW,
  };
}

const claims = (sub: string, iatMs: number, sid = 'another-session'): AccessTokenClaims => ({
  iss: 'http://bulwark.test',
  sub,
  aud: 'payroll',
  iat: Math.floor(iatMs / 1000),
  exp: Math.floor(iatMs / 1000) + 900,
  jti: `jti-${iatMs}`,
  sid,
});

describe('revocation times: on the database clock, with the skew accounted for', () => {
  it('entries are stamped on the database clock and kept the access lifetime plus two skews', async () => {
    const store = memoryStore();
    const service = new RevocationService(store, TTL_MS + SKEW_MS, SKEW_MS, () => OWN_NOW);
    await service.revokeSession('s1');
    assert.deepEqual(store.rows[0], {
      kind: 'sid',
      value: 's1',
      createdAt: DB_NOW,
      expiresAt: DB_NOW + TTL_MS + 2 * SKEW_MS,
    });
  });

  it("a user's cut-off runs the skew behind the database: no token issued after it, on a clock up to the skew behind, is refused", async () => {
    const store = memoryStore();
    const service = new RevocationService(store, TTL_MS + SKEW_MS, SKEW_MS, () => OWN_NOW);
    await service.revokeUser('u1');
    assert.equal(store.rows[0]?.createdAt, DB_NOW - SKEW_MS);
    assert.equal(service.set.isRevoked(claims('u1', DB_NOW - SKEW_MS)), false, 'issued after, on a clock 30 s behind');
    assert.equal(service.set.isRevoked(claims('u1', DB_NOW - SKEW_MS - 1_000)), true, 'older than the skew');
    assert.equal(service.set.isRevoked(claims('u2', DB_NOW - 60_000)), false, 'another user');
  });

  it('a subject without sessions (a disabled client): the cut-off runs the skew ahead, so a token from a clock up to the skew ahead is refused', async () => {
    const store = memoryStore();
    const service = new RevocationService(store, TTL_MS + SKEW_MS, SKEW_MS, () => OWN_NOW);
    await service.revokeSubject('client-1');
    assert.equal(service.set.isRevoked(claims('client-1', DB_NOW + SKEW_MS)), true, 'issued just before, 30 s ahead');
    assert.equal(service.set.isRevoked(claims('client-1', DB_NOW + SKEW_MS + 1_000)), false, 'issued after the skew');
  });

  it('the store is pruned two skews late, so an instance ahead keeps what one behind may still read', async () => {
    const store = memoryStore();
    const service = new RevocationService(store, TTL_MS + SKEW_MS, SKEW_MS, () => OWN_NOW);
    await service.prune();
    assert.deepEqual(store.purgedAt, [OWN_NOW - 2 * SKEW_MS]);
  });
});
