import { constants, createHmac, sign } from 'node:crypto';
import { encodeBase64url } from '@bulwark/guard/jose';
import type { SigningKey } from './keys.js';

/**
 * Signs a JWT as compact JWS. The header is `{alg, typ, kid, ...header}`; alg and kid always come
 * from the key (a caller cannot make a key sign under another alg) and typ defaults to "at+jwt",
 * the only token type Bulwark issues (RFC 9068).
 */
export function signJwt(
  key: SigningKey,
  header: Readonly<Record<string, unknown>>,
  claims: Readonly<Record<string, unknown>>,
): string {
  const { alg: _alg, kid: _kid, typ, ...rest } = header;
  const fullHeader = { alg: key.alg, typ: typ ?? 'at+jwt', kid: key.kid, ...rest };
  const signingInput =
    `${Buffer.from(JSON.stringify(fullHeader)).toString('base64url')}.` +
    Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${signingInput}.${encodeBase64url(signBytes(key, Buffer.from(signingInput, 'latin1')))}`;
}

/** The raw JWS signature of `data` (ES256 as 64-byte r||s, never DER). */
export function signBytes(key: SigningKey, data: Buffer): Buffer {
  const privateKey = key.privateKey;
  switch (key.alg) {
    case 'HS256':
      return createHmac('sha256', privateKey).update(data).digest();
    case 'ES256':
      return sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA':
      return sign(null, data, privateKey);
    case 'RS256':
      return sign('sha256', data, privateKey);
    case 'PS256':
      return sign('sha256', data, {
        key: privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      });
  }
}
