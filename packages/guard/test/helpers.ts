import assert from 'node:assert/strict';
import type { SigningAlg } from '../src/jws/algorithms.js';
import { generateSigningKey, type SigningKey } from '../../../src/jose/keys.js';
import { signBytes } from '../../../src/jose/sign.js';
import { InvalidTokenError, TokenExpiredError, type TokenRejectionReason } from '../src/errors.js';
import { LocalKeySource } from '../src/jwks/local-key-source.js';
import type { VerificationKey } from '../src/types.js';
import { createVerifier, type Verifier, type VerifierOptions } from '../src/verifier/verifier.js';

export const ISSUER = 'https://auth.bulwark.test';
export const AUDIENCE = 'payroll';
export const ALL_ALGS: SigningAlg[] = ['ES256', 'EdDSA', 'RS256', 'PS256', 'HS256'];
/** The frozen clock: whole second, in ms. */
export const NOW_MS = Date.UTC(2026, 0, 15, 9, 30, 0);
export const NOW = NOW_MS / 1000;
export const SKEW = 30;

let cached: Record<SigningAlg, SigningKey> | undefined;
/** One key per alg, generated once per test process. */
export function keys(): Record<SigningAlg, SigningKey> {
  cached ??= {
    ES256: generateSigningKey('ES256'),
    EdDSA: generateSigningKey('EdDSA'),
    RS256: generateSigningKey('RS256'),
    PS256: generateSigningKey('PS256'),
    HS256: generateSigningKey('HS256'),
  };
  return cached;
}

export function toVerificationKey(key: SigningKey): VerificationKey {
  return { kid: key.kid, alg: key.alg, key: key.publicKey ?? key.privateKey };
}

export function baseClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    sub: 'usr_7f3a',
    aud: AUDIENCE,
    exp: NOW + 600,
    iat: NOW - 10,
    jti: 'jti_0001',
    sid: 'ses_0001',
    client_id: 'bulwark-web',
    scope: 'payroll:read payroll:write',
    role: 'admin',
    ...overrides,
  };
}

export function b64(text: string | Uint8Array): string {
  return Buffer.from(text as string).toString('base64url');
}

/** A token from exact header and payload texts, signed by `key` over the exact segments. */
export function rawToken(headerText: string | Uint8Array, payloadText: string | Uint8Array, key: SigningKey): string {
  const input = `${b64(headerText)}.${b64(payloadText)}`;
  return `${input}.${b64(signBytes(key, Buffer.from(input, 'latin1')))}`;
}

/** Fields set to undefined are left out of the header / claims. */
export function token(
  key: SigningKey,
  header: Record<string, unknown> = {},
  claims: Record<string, unknown> = {},
): string {
  const fullHeader = JSON.stringify({ alg: key.alg, typ: 'at+jwt', kid: key.kid, ...header });
  return rawToken(fullHeader, JSON.stringify(baseClaims(claims)), key);
}

export function verifier(overrides: Partial<VerifierOptions> = {}): Verifier {
  return createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ALL_ALGS,
    keys: new LocalKeySource(Object.values(keys()).map(toVerificationKey)),
    clockSkewSeconds: SKEW,
    now: () => NOW_MS,
    ...overrides,
  });
}

/** Asserts the exact error class, code and reason, and that nothing of the token leaks into it. */
export function assertRejected(v: Verifier, jwt: string, reason: TokenRejectionReason): void {
  let caught: unknown;
  try {
    v.verify(jwt);
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) assert.fail(`expected rejection with reason ${reason}, but the token was accepted`);
  if (reason === 'expired') {
    assert.ok(caught instanceof TokenExpiredError, `expected TokenExpiredError, got ${String(caught)}`);
    assert.equal(caught.code, 'token_expired');
  } else {
    assert.ok(caught instanceof InvalidTokenError, `expected InvalidTokenError, got ${String(caught)}`);
    assert.equal(caught.code, 'invalid_token');
  }
  assert.equal(caught.status, 401);
  assert.equal(caught.reason, reason);
  for (const segment of String(jwt).split('.')) {
    if (segment.length >= 8) {
      assert.ok(!caught.message.includes(segment) && !String(caught.detail).includes(segment), 'token text leaked');
    }
  }
}

/** Signs exact segment strings (for segments that are deliberately not canonical base64url). */
export function signSegments(headerSegment: string, payloadSegment: string, key: SigningKey): string {
  const input = `${headerSegment}.${payloadSegment}`;
  return `${input}.${b64(signBytes(key, Buffer.from(input, 'latin1')))}`;
}

/** The same base64url text with the unused low bit(s) of its last character set. */
export function setSpareBits(segment: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  assert.notEqual(segment.length % 4, 0, 'segment has no spare bits');
  const last = alphabet.indexOf(segment.at(-1) as string);
  return segment.slice(0, -1) + (alphabet[last | 1] as string);
}
