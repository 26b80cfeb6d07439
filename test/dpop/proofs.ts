import { constants, createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';

/** A client's DPoP key pair, as a test makes proofs with it. */
export interface ProofKey {
  readonly alg: 'ES256' | 'EdDSA' | 'RS256' | 'PS256';
  readonly privateKey: KeyObject;
  readonly jwk: Record<string, unknown>;
}

export function proofKey(alg: ProofKey['alg'] = 'ES256'): ProofKey {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { alg, privateKey: pair.privateKey, jwk: pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown> };
}

export function ath(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

export interface ProofOptions {
  htm?: string;
  htu?: string;
  iat?: number;
  jti?: string;
  ath?: string;
  nonce?: string;
  /** Replaces header members (undefined removes one). */
  header?: Record<string, unknown>;
  /** Replaces claims (undefined removes one). */
  claims?: Record<string, unknown>;
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A DPoP proof JWT signed by `key` (RFC 9449 §4.2). */
export function makeProof(key: ProofKey, options: ProofOptions = {}): string {
  const header = clean({ typ: 'dpop+jwt', alg: key.alg, jwk: key.jwk, ...options.header });
  const claims = clean({
    jti: options.jti ?? randomUUID(),
    htm: options.htm ?? 'GET',
    htu: options.htu ?? 'https://api.bulwark.test/api/users/me',
    iat: options.iat ?? Math.floor(Date.now() / 1000),
    ...(options.ath === undefined ? {} : { ath: options.ath }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    ...options.claims,
  });
  const input = `${b64(header)}.${b64(claims)}`;
  const data = Buffer.from(input);
  const signature =
    key.alg === 'ES256'
      ? sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
      : key.alg === 'EdDSA'
        ? sign(null, data, key.privateKey)
        : key.alg === 'PS256'
          ? sign('sha256', data, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
          : sign('sha256', data, key.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

function clean(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}
