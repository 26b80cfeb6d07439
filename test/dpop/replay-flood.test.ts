/**
 * Issue #22 item 4: the server's DPoP replay cache fails closed. Flooded to its capacity
 * (BULWARK_DPOP_REPLAY_CACHE_MAX) with unexpired proofs, `bulwark serve` refuses a new proof with
 * 503 and Retry-After, and still refuses a replayed old one; it never forgets a proof early. (The
 * recovery once proofs expire runs on a controlled clock in packages/guard/test/dpop.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoPassword, startServe, type ServerProcess } from '../helpers/process.js';
import { ath, makeProof, proofKey } from './proofs.js';

const CAPACITY = 1000;

describe('DPoP replay cache flood against `bulwark serve`', () => {
  let dataDir: string;
  let server: ServerProcess;
  const key = proofKey('ES256');

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-dpop-flood-'));
    server = await startServe({ BULWARK_DATA_DIR: dataDir, BULWARK_DPOP_REPLAY_CACHE_MAX: String(CAPACITY) });
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('full of unexpired proofs: a new proof is 503 with Retry-After, an old one still a replay (401)', async () => {
    const url = (path: string) => `${server.url}${path}`;
    const loginAnswer = await fetch(url('/api/users-sessions'), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        dpop: makeProof(key, { htm: 'POST', htu: url('/api/users-sessions') }),
      },
      body: JSON.stringify({ username: 'alice', password: demoPassword(dataDir, 'alice') }),
    });
    assert.equal(loginAnswer.status, 201);
    const { access_token: token } = (await loginAnswer.json()) as { access_token: string };
    const me = (dpop: string) => fetch(url('/api/users/me'), { headers: { authorization: `DPoP ${token}`, dpop } });
    const proof = () => makeProof(key, { htm: 'GET', htu: url('/api/users/me'), ath: ath(token) });

    // The login's proof holds one place; fill the rest, a few requests at a time.
    const first = proof();
    assert.equal((await me(first)).status, 200);
    for (let sent = 2; sent < CAPACITY; sent += 25) {
      const batch = Array.from({ length: Math.min(25, CAPACITY - sent) }, proof);
      const statuses = await Promise.all(batch.map(async (p) => (await me(p)).status));
      assert.deepEqual(new Set(statuses), new Set([200]), `at ${sent}`);
    }

    const full = await me(proof());
    assert.equal(full.status, 503);
    assert.equal(full.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    const retryAfter = Number(full.headers.get('retry-after'));
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 120,
      `Retry-After ${String(full.headers.get('retry-after'))}`,
    );
    assert.equal(((await full.json()) as { code: string }).code, 'service_unavailable');

    const replay = await me(first);
    assert.equal(replay.status, 401);
    assert.equal(((await replay.json()) as { code: string }).code, 'invalid_dpop_proof');
  });
});
