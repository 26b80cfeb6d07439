import { randomUUID } from 'node:crypto';
import { generateSigningKey, signingKeyFromHmacSecret, type SigningKey } from '../src/jose/keys.js';
import { signJwt } from '../src/jose/sign.js';
import type { SigningAlg } from '../packages/guard/src/jws/algorithms.js';

export const ISSUER = 'https://auth.bench.example';
export const AUDIENCE = 'payroll';

/** A key and one realistic Bulwark access token for it, valid for an hour. */
export function benchToken(alg: SigningAlg): { key: SigningKey; token: string } {
  const key =
    alg === 'HS256'
      ? signingKeyFromHmacSecret(Buffer.from('9e2a1c55b0f84d7e93a6c2f1d8b74e05a3c9f6e2d1b8a7c4e5f6a7b8c9d0e1f2', 'hex'))
      : generateSigningKey(alg);
  const now = Math.floor(Date.now() / 1000);
  const token = signJwt(
    key,
    { typ: 'at+jwt' },
    {
      iss: ISSUER,
      sub: randomUUID(),
      aud: AUDIENCE,
      exp: now + 3600,
      iat: now,
      jti: randomUUID(),
      sid: randomUUID(),
      client_id: 'bulwark',
      scope: 'profile payroll:read',
      role: 'clerk',
    },
  );
  return { key, token };
}
