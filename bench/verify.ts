import { constants, createHmac, timingSafeEqual, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { createVerifier as fastJwtVerifier } from 'fast-jwt';
import { jwtVerify } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { createVerifier, LocalKeySource } from '../packages/guard/src/index.js';
import type { SigningAlg } from '../packages/guard/src/jws/algorithms.js';
import { measureAsync, measureSync, type Rate } from './measure.js';
import { AUDIENCE, benchToken, ISSUER } from './tokens.js';

export const VERIFY_ALGS: SigningAlg[] = ['HS256', 'ES256', 'EdDSA', 'RS256'];

export interface VerifyRow {
  alg: SigningAlg;
  impl: string;
  rate: Rate | null;
  note?: string;
}

/** The signature check alone, with node:crypto: the floor no JWT library can beat. */
function rawCheck(alg: SigningAlg, token: string, key: KeyObject): () => boolean {
  const dot = token.lastIndexOf('.');
  const input = Buffer.from(token.slice(0, dot), 'latin1');
  const signature = Buffer.from(token.slice(dot + 1), 'base64url');
  switch (alg) {
    case 'HS256':
      return () => timingSafeEqual(createHmac('sha256', key).update(input).digest(), signature);
    case 'ES256':
      return () => cryptoVerify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature);
    case 'EdDSA':
      return () => cryptoVerify(null, input, key, signature);
    case 'RS256':
      return () => cryptoVerify('sha256', input, key, signature);
    case 'PS256':
      return () =>
        cryptoVerify('sha256', input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
  }
}

export async function benchVerify(ms: number, log: (line: string) => void): Promise<VerifyRow[]> {
  const rows: VerifyRow[] = [];
  for (const alg of VERIFY_ALGS) {
    const { key, token } = benchToken(alg);
    const verifyKey = key.publicKey ?? key.privateKey;
    const pem =
      alg === 'HS256' ? key.privateKey.export() : (key.publicKey as KeyObject).export({ format: 'pem', type: 'spki' });
    const source = new LocalKeySource([{ kid: key.kid, alg, key: verifyKey }]);
    const options = { issuer: ISSUER, audience: AUDIENCE, algorithms: [alg], keys: source };
    const bulwark = createVerifier(options);
    const bulwarkCached = createVerifier({ ...options, cache: { max: 10_000 } });
    const fast = fastJwtVerifier({
      key: pem,
      algorithms: [alg],
      allowedIss: ISSUER,
      allowedAud: AUDIENCE,
      cache: false,
    });
    const fastCached = fastJwtVerifier({
      key: pem,
      algorithms: [alg],
      allowedIss: ISSUER,
      allowedAud: AUDIENCE,
      cache: true,
    });
    const candidates: Array<[string, (() => unknown) | null, boolean, string?]> = [
      ['node:crypto signature only (floor)', rawCheck(alg, token, verifyKey), false],
      ['bulwark guard', () => bulwark.verify(token), false],
      ['bulwark guard + cache', () => bulwarkCached.verify(token), false],
      [
        'jose 6 jwtVerify',
        () => jwtVerify(token, verifyKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: [alg] }),
        true,
      ],
      ['fast-jwt', () => fast(token), false],
      ['fast-jwt + cache', () => fastCached(token), false],
      alg === 'EdDSA'
        ? ['jsonwebtoken', null, false, 'EdDSA unsupported']
        : [
            'jsonwebtoken',
            () =>
              jsonwebtoken.verify(token, pem as string | Buffer, {
                algorithms: [alg as jsonwebtoken.Algorithm],
                issuer: ISSUER,
                audience: AUDIENCE,
              }),
            false,
          ],
    ];
    for (const [impl, fn, isAsync, note] of candidates) {
      if (fn === null) {
        rows.push({ alg, impl, rate: null, note });
        continue;
      }
      // Every contender must accept the token before it is timed (a fast rejection is no result).
      const first = fn();
      if (isAsync) await first;
      else if (first === false) throw new Error(`${impl} rejected the ${alg} benchmark token`);
      const rate = isAsync ? await measureAsync(fn as () => Promise<unknown>, ms) : measureSync(fn, ms);
      rows.push({ alg, impl, rate });
      log(
        `  ${alg.padEnd(6)} ${impl.padEnd(36)} ${Math.round(rate.opsPerSec).toLocaleString('en-US').padStart(12)} ops/s`,
      );
    }
  }
  return rows;
}
