import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { BulwarkError } from '../../src/bulwark-error.js';
import { InvalidTokenError, TokenExpiredError } from '../../src/errors.js';
import { bulwarkGuard } from '../../src/adapters/fastify.js';
import { LocalKeySource } from '../../src/jwks/local-key-source.js';
import type { VerificationKey } from '../../src/types.js';
import { keys, toVerificationKey, token, verifier } from '../helpers.js';

/** A key source that "fetches" by adding the keys in `pending`, and records every call. */
class FetchingSource extends LocalKeySource {
  calls: string[] = [];
  pending: VerificationKey[] = [];
  answer: 'fetch' | 'cooling' | 'reject' = 'fetch';

  async refreshForUnknownKid(kid: string): Promise<boolean> {
    this.calls.push(kid);
    if (this.answer === 'reject') throw new Error('network down');
    if (this.answer === 'cooling') return false;
    for (const key of this.pending.splice(0)) this.add(key);
    return true;
  }
}

const isUnknownKid = (e: unknown) => e instanceof InvalidTokenError && e.reason === 'unknown_kid';

describe('verifyAsync', () => {
  it('answers exactly as verify when the kid is known or the source cannot fetch', async () => {
    const v = verifier();
    assert.deepEqual(await v.verifyAsync(token(keys().ES256)), v.verify(token(keys().ES256)));
    await assert.rejects(v.verifyAsync(token(keys().ES256, {}, { exp: 1_000_000 })), TokenExpiredError);
    await assert.rejects(v.verifyAsync(token(keys().ES256, { kid: 'nope' })), isUnknownKid);
    await assert.rejects(v.verifyAsync('junk'), (e) => e instanceof InvalidTokenError && e.reason === 'malformed');
  });

  it('on unknown_kid asks the source once with the kid, and verifies again if it fetched', async () => {
    for (const cache of [undefined, true] as const) {
      const source = new FetchingSource([toVerificationKey(keys().ES256)]);
      const v = verifier({ keys: source, cache });
      const jwt = token(keys().EdDSA);
      source.pending.push(toVerificationKey(keys().EdDSA));
      assert.equal((await v.verifyAsync(jwt)).sub, 'usr_7f3a');
      assert.deepEqual(source.calls, [keys().EdDSA.kid]);
      await v.verifyAsync(jwt);
      assert.equal(source.calls.length, 1, 'a known kid does not ask');
    }
  });

  it('retries at most once, and keeps unknown_kid when the source is cooling down or fails', async () => {
    const source = new FetchingSource([toVerificationKey(keys().ES256)]);
    const v = verifier({ keys: source });
    const jwt = token(keys().EdDSA);
    await assert.rejects(v.verifyAsync(jwt), isUnknownKid); // fetched, still unknown: no loop
    assert.equal(source.calls.length, 1);
    source.answer = 'cooling';
    source.pending.push(toVerificationKey(keys().EdDSA));
    await assert.rejects(v.verifyAsync(jwt), isUnknownKid);
    source.answer = 'reject';
    await assert.rejects(v.verifyAsync(jwt), isUnknownKid, 'a failing source is still a 401, not a 500');
    assert.equal(source.calls.length, 3);
    await assert.rejects(v.verifyAsync(token(keys().ES256, { alg: 'none' })), InvalidTokenError);
    assert.equal(source.calls.length, 3, 'other rejections never ask the source');
  });

  it('is what the Fastify hook uses, so a rotated-in kid passes requireAuth', async () => {
    const source = new FetchingSource([toVerificationKey(keys().ES256)]);
    const app = Fastify();
    await app.register(bulwarkGuard, { verifier: verifier({ keys: source }), onError: 'throw' });
    app.setErrorHandler((error, _request, reply) =>
      reply.status(error instanceof BulwarkError ? error.status : 500).send({ code: (error as BulwarkError).code }),
    );
    app.get('/me', { onRequest: app.requireAuth() }, async (request) => ({ sub: request.auth?.sub }));
    try {
      const jwt = token(keys().RS256);
      source.answer = 'cooling';
      assert.equal((await app.inject({ url: '/me', headers: { authorization: `Bearer ${jwt}` } })).statusCode, 401);
      source.answer = 'fetch';
      source.pending.push(toVerificationKey(keys().RS256));
      const res = await app.inject({ url: '/me', headers: { authorization: `Bearer ${jwt}` } });
      assert.deepEqual([res.statusCode, res.json()], [200, { sub: 'usr_7f3a' }]);
    } finally {
      await app.close();
    }
  });

  it('the plugin refuses a verifier without verifyAsync', async () => {
    const app = Fastify();
    await assert.rejects(async () => {
      await app.register(bulwarkGuard, { verifier: { verify: () => ({}) } as never });
      await app.ready();
    }, /verifyAsync/);
  });
});
