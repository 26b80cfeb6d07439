import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  authenticateRequest,
  createHmacDpopNonces,
  InvalidDpopProofError,
  InvalidTokenError,
  UseDpopNonceError,
  type AccessTokenClaims,
  type DpopReplayCache,
  type Verifier,
} from '../../src/index.js';
import { errorAnswer } from '../../src/http/problem.js';
import { jwkThumbprint } from '../../src/jwk/thumbprint.js';
import { keys, NOW, NOW_MS, token, verifier } from '../helpers.js';
import { ath, makeProof, proofKey, type ProofOptions } from '../../../../test/dpop/proofs.js';

const URL_ME = 'https://api.bulwark.test/api/users/me';
const client = proofKey('ES256');
const thief = proofKey('ES256');
const jkt = jwkThumbprint(client.jwk);
const bound = token(keys().ES256, {}, { cnf: { jkt } });
const unbound = token(keys().ES256);

type Outcome = AccessTokenClaims | Promise<AccessTokenClaims>;

function request(
  v: Verifier,
  scheme: string,
  accessToken: string,
  dpop: string | string[] | undefined,
  method = 'GET',
  url = URL_ME,
): Outcome {
  return authenticateRequest(v, { authorization: `${scheme} ${accessToken}`, dpop, method, url: () => url });
}

function proof(options: ProofOptions = {}, key = client, accessToken = bound): string {
  return makeProof(key, { iat: NOW, htu: URL_ME, ath: ath(accessToken), ...options });
}

/** The refusal's class and reason, and the answer every adapter writes for it. */
async function refused(
  outcome: () => Outcome,
  kind: typeof InvalidDpopProofError | typeof InvalidTokenError | typeof UseDpopNonceError,
  reason?: string,
) {
  let error: unknown;
  try {
    await outcome();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof kind, `expected ${kind.name}, got ${String(error)}`);
  if (reason !== undefined) assert.equal((error as { reason: string }).reason, reason);
  const answer = errorAnswer(error);
  assert.ok(answer !== null);
  assert.equal(answer.status, 401);
  assert.equal(answer.headers['content-type'], 'application/problem+json; charset=utf-8');
  return { error, answer };
}

describe('DPoP at a resource (RFC 9449 §4.3, §7)', () => {
  it('accepts a bound token with a fresh proof of its key, once', async () => {
    const v = verifier();
    const p = proof();
    const claims = await request(v, 'DPoP', bound, p);
    assert.deepEqual(claims.cnf, { jkt });
    const { answer } = await refused(() => request(v, 'DPoP', bound, p), InvalidDpopProofError, 'replayed');
    assert.equal(answer.body.code, 'invalid_dpop_proof');
    assert.equal(answer.headers['www-authenticate'], 'DPoP error="invalid_dpop_proof", algs="ES256 EdDSA RS256 PS256"');
  });

  it('accepts every allowed alg (ES256, EdDSA, RS256, PS256)', async () => {
    const v = verifier();
    for (const alg of ['EdDSA', 'RS256', 'PS256'] as const) {
      const key = proofKey(alg);
      const t = token(keys().ES256, {}, { cnf: { jkt: jwkThumbprint(key.jwk) } });
      const claims = await request(v, 'DPoP', t, proof({}, key, t));
      assert.equal(claims.sub, 'usr_7f3a');
    }
  });

  it('compares htu as scheme, host and path, normalised, without query or fragment', async () => {
    const v = verifier();
    await request(
      v,
      'DPoP',
      bound,
      proof({ htu: 'HTTPS://API.Bulwark.test:443/api/%75sers/me' }),
      'GET',
      `${URL_ME}?page=2#x`,
    );
    await request(v, 'DPoP', bound, proof({ htu: `${URL_ME}?ignored=1` }));
  });

  const refusals: Array<[string, ProofOptions | (() => string), string]> = [
    ['wrong htm', { htm: 'POST' }, 'htm_mismatch'],
    ['htm in another case', { htm: 'get' }, 'htm_mismatch'],
    ['another path', { htu: 'https://api.bulwark.test/api/users' }, 'htu_mismatch'],
    ['another host', { htu: 'https://evil.test/api/users/me' }, 'htu_mismatch'],
    ['another scheme', { htu: 'http://api.bulwark.test/api/users/me' }, 'htu_mismatch'],
    ['an old iat', { iat: NOW - 91 }, 'iat_stale'],
    ['a future iat', { iat: NOW + 31 }, 'iat_future'],
    ['a wrong ath', { ath: ath('another token') }, 'ath_mismatch'],
    ['no ath', { claims: { ath: undefined } }, 'claim_missing'],
    ['no jti', { claims: { jti: undefined } }, 'claim_missing'],
    ['a string iat', { claims: { iat: String(NOW) } }, 'claim_invalid'],
    ['alg none', { header: { alg: 'none' } }, 'alg_not_allowed'],
    ['alg HS256', { header: { alg: 'HS256' } }, 'alg_not_allowed'],
    ['typ JWT', { header: { typ: 'JWT' } }, 'typ_invalid'],
    ['no jwk', { header: { jwk: undefined } }, 'jwk_invalid'],
    ['a jwk with private members', { header: { jwk: { ...client.jwk, d: 'AAAA' } } }, 'jwk_invalid'],
    ['a jwk of another key type', { header: { jwk: proofKey('EdDSA').jwk } }, 'jwk_invalid'],
    ['a jwk that did not sign it', { header: { jwk: thief.jwk } }, 'signature_invalid'],
    ['crit', { header: { crit: ['exp'] } }, 'header_invalid'],
    ['not a JWS', () => 'not-a-proof', 'malformed'],
    ['two proofs in one header', () => `${proof()}, ${proof()}`, 'multiple'],
  ];
  for (const [name, options, reason] of refusals) {
    it(`refuses a proof with ${name}: 401 invalid_dpop_proof (${reason})`, async () => {
      const p = typeof options === 'function' ? options() : proof(options);
      const { answer } = await refused(() => request(verifier(), 'DPoP', bound, p), InvalidDpopProofError, reason);
      assert.deepEqual(answer.body, {
        type: 'urn:bulwark:problem:invalid_dpop_proof',
        title: 'Unauthorized',
        status: 401,
        code: 'invalid_dpop_proof',
        detail: 'The DPoP proof is missing or invalid for this request.',
      });
    });
  }

  it('refuses two DPoP headers', async () => {
    await refused(() => request(verifier(), 'DPoP', bound, [proof(), proof()]), InvalidDpopProofError, 'multiple');
  });

  it('refuses a bound token without a proof', async () => {
    await refused(() => request(verifier(), 'DPoP', bound, undefined), InvalidDpopProofError, 'missing');
  });

  it('refuses a proof of another key (a copied token): 401 invalid_token with a DPoP challenge', async () => {
    const { answer } = await refused(
      () => request(verifier(), 'DPoP', bound, proof({}, thief)),
      InvalidTokenError,
      'dpop_key_mismatch',
    );
    assert.equal(answer.body.code, 'invalid_token');
    assert.equal(answer.headers['www-authenticate'], 'DPoP error="invalid_token", algs="ES256 EdDSA RS256 PS256"');
  });

  it('refuses a bound token sent as Bearer, even with a valid proof', async () => {
    const { answer } = await refused(
      () => request(verifier(), 'Bearer', bound, proof()),
      InvalidTokenError,
      'dpop_bound',
    );
    assert.equal(answer.headers['www-authenticate'], 'DPoP error="invalid_token", algs="ES256 EdDSA RS256 PS256"');
  });

  it('refuses an unbound token under the DPoP scheme; still accepts it as Bearer', async () => {
    await refused(
      () => request(verifier(), 'DPoP', unbound, proof({}, client, unbound)),
      InvalidTokenError,
      'dpop_unbound',
    );
    assert.equal((await request(verifier(), 'Bearer', unbound, undefined)).sub, 'usr_7f3a');
  });

  it('refuses a token with a confirmation method it cannot check', async () => {
    const mtls = token(keys().ES256, {}, { cnf: { 'x5t#S256': 'abc' } });
    await refused(() => request(verifier(), 'Bearer', mtls, undefined), InvalidTokenError, 'claim_invalid');
  });

  it('answers an expired DPoP token in the DPoP scheme', async () => {
    const expired = token(keys().ES256, {}, { cnf: { jkt }, exp: NOW - 60, iat: NOW - 600 });
    const { answer } = await refused(
      () => request(verifier(), 'DPoP', expired, proof({}, client, expired)),
      Error as never,
    );
    assert.equal(answer.body.code, 'token_expired');
    assert.match(
      answer.headers['www-authenticate'] ?? '',
      /^DPoP error="invalid_token", error_description="The access token expired"/,
    );
  });

  it('checks a fresh proof on every request even when the token comes from the cache', async () => {
    const v = verifier({ cache: { max: 10 } });
    await request(v, 'DPoP', bound, proof());
    await request(v, 'DPoP', bound, proof());
    await refused(() => request(v, 'DPoP', bound, undefined), InvalidDpopProofError, 'missing');
    await refused(() => request(v, 'Bearer', bound, undefined), InvalidTokenError, 'dpop_bound');
  });

  it('uses an async (shared) replay cache: a replay is refused', async () => {
    const seen = new Set<string>();
    const shared: DpopReplayCache = { firstUse: async (key) => (seen.has(key) ? false : (seen.add(key), true)) };
    const v = verifier({ dpop: { replayCache: shared } });
    const p = proof();
    const first = request(v, 'DPoP', bound, p);
    assert.ok(first instanceof Promise);
    await first;
    await refused(() => request(v, 'DPoP', bound, p), InvalidDpopProofError, 'replayed');
    assert.equal(seen.size, 1);
  });

  it('with server nonces: 401 use_dpop_nonce and a DPoP-Nonce header, then accepts that nonce', async () => {
    const nonces = createHmacDpopNonces({ now: () => NOW_MS });
    const v = verifier({ dpop: { nonces } });
    const { answer } = await refused(() => request(v, 'DPoP', bound, proof()), UseDpopNonceError);
    const nonce = answer.headers['dpop-nonce'];
    assert.ok(typeof nonce === 'string' && nonce.length > 0);
    assert.equal(answer.body.code, 'use_dpop_nonce');
    assert.match(answer.headers['www-authenticate'] ?? '', /^DPoP error="use_dpop_nonce"/);
    await request(v, 'DPoP', bound, proof({ nonce }));
    const dot = nonce.indexOf('.');
    const forged = `${nonce.slice(0, dot + 1)}${nonce[dot + 1] === 'A' ? 'B' : 'A'}${nonce.slice(dot + 2)}`;
    await refused(() => request(v, 'DPoP', bound, proof({ nonce: forged })), UseDpopNonceError);
  });

  it('checks its options up front', () => {
    assert.throws(() => verifier({ dpop: { algorithms: ['HS256' as never] } }), TypeError);
    assert.throws(() => verifier({ dpop: { maxAgeSeconds: 0 } }), TypeError);
    assert.throws(() => verifier({ dpop: { replayCache: {} as never } }), TypeError);
  });
});
