import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  authenticateRequest,
  DpopReplayCacheFullError,
  InvalidDpopProofError,
  MemoryDpopReplayCache,
  type Verifier,
} from '../../src/index.js';
import { errorAnswer } from '../../src/http/problem.js';
import { jwkThumbprint } from '../../src/jwk/thumbprint.js';
import { keys, NOW_MS, token, verifier } from '../helpers.js';
import { ath, makeProof, proofKey } from '../../../../test/dpop/proofs.js';

const URL_ME = 'https://api.bulwark.test/api/users/me';
const client = proofKey('ES256');
const bound = token(keys().ES256, {}, { cnf: { jkt: jwkThumbprint(client.jwk) } });
/** How long a proof is remembered with the defaults: 60 s max age + 2 × 30 s skew. */
const WINDOW_MS = 120_000;

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  assert.fail('expected a refusal');
}

describe('MemoryDpopReplayCache fails closed', () => {
  it('refuses new keys while full of unexpired ones, never forgets one, and accepts again once they expire', () => {
    let now = 1_000_000;
    const cache = new MemoryDpopReplayCache({ max: 3, now: () => now });
    for (const key of ['a', 'b', 'c']) assert.equal(cache.firstUse(key, 10), true);
    now += 4_000;
    const full = caught(() => cache.firstUse('d', 10));
    assert.ok(full instanceof DpopReplayCacheFullError);
    assert.equal(full.status, 503);
    assert.equal(full.retryAfterSeconds, 6, 'the oldest entry expires in 6 s');
    for (const key of ['a', 'b', 'c']) assert.equal(cache.firstUse(key, 10), false, `${key} is still a replay`);
    assert.equal(cache.size, 3);
    now += 6_000; // a, b and c expire now (accepted until t + 10 s, exclusive)
    assert.equal(cache.firstUse('d', 10), true);
    assert.equal(cache.firstUse('d', 10), false);
    assert.equal(cache.firstUse('a', 10), true, 'an expired key is new again');
  });

  it('evicts only expired entries, whatever their TTLs', () => {
    let now = 0;
    const cache = new MemoryDpopReplayCache({ max: 2, now: () => now });
    assert.equal(cache.firstUse('long', 100), true);
    assert.equal(cache.firstUse('short', 1), true);
    now += 2_000; // short expired, long not: the sweep past the unexpired oldest frees short's place
    assert.equal(cache.firstUse('new', 100), true);
    assert.equal(cache.firstUse('long', 100), false);
    assert.ok(caught(() => cache.firstUse('another', 100)) instanceof DpopReplayCacheFullError);
  });

  it('rejects a bad max', () => {
    assert.throws(() => new MemoryDpopReplayCache({ max: 0 }), TypeError);
    assert.throws(() => new MemoryDpopReplayCache({ max: 1.5 }), TypeError);
  });
});

describe('a flood of DPoP proofs at a resource', () => {
  it('fills the cache with unexpired proofs: a new proof is a 503 with Retry-After, an old one a replay; after the window both pass', () => {
    const capacity = 50;
    let now = NOW_MS;
    const v: Verifier = verifier({
      now: () => now,
      dpop: { replayCache: new MemoryDpopReplayCache({ max: capacity, now: () => now }) },
    });
    const request = (dpop: string) =>
      authenticateRequest(v, { authorization: `DPoP ${bound}`, dpop, method: 'GET', url: () => URL_ME });
    const proof = () => makeProof(client, { iat: Math.floor(now / 1000), htu: URL_ME, ath: ath(bound) });

    const accepted = Array.from({ length: capacity }, () => {
      const p = proof();
      assert.equal((request(p) as { sub: string }).sub, 'usr_7f3a');
      return p;
    });

    const full = caught(() => request(proof()));
    assert.ok(full instanceof DpopReplayCacheFullError, `expected a full cache, got ${String(full)}`);
    const answer = errorAnswer(full);
    assert.equal(answer?.status, 503);
    assert.equal(answer?.body.code, 'service_unavailable');
    assert.equal(answer?.headers['retry-after'], String(WINDOW_MS / 1000));

    const replay = caught(() => request(accepted[0] as string));
    assert.ok(replay instanceof InvalidDpopProofError);
    assert.equal(replay.reason, 'replayed');
    assert.equal(errorAnswer(replay)?.status, 401);

    now += WINDOW_MS; // every stored proof has expired; the old proofs are now too old (iat_stale) anyway
    const fresh = proof();
    assert.equal((request(fresh) as { sub: string }).sub, 'usr_7f3a');
    assert.equal((caught(() => request(fresh)) as InvalidDpopProofError).reason, 'replayed');
    assert.equal((caught(() => request(accepted[1] as string)) as InvalidDpopProofError).reason, 'iat_stale');
  });
});
