/**
 * Token generation for the differential test: headers, claims, signers and mutations, and the
 * independent description of the cases where the guard is deliberately stricter than jose.
 */
import { createHmac, createPublicKey, sign } from 'node:crypto';
import fc from 'fast-check';
import { CompactSign } from 'jose';
import { generateSigningKey, type SigningKey } from '../../../../src/jose/keys.js';
import { signBytes } from '../../../../src/jose/sign.js';
import { ALL_ALGS, AUDIENCE, b64, ISSUER, keys, NOW, SKEW } from '../helpers.js';

export const REQUIRED = ['iss', 'sub', 'aud', 'exp', 'iat', 'jti'];

let signers: SigningKey[] | undefined;
/** Targets (verification keys) are the first five; then strangers and the RS256 key posing as PS256. */
export function signerKeys(): SigningKey[] {
  const k = keys();
  signers ??= [
    k.ES256,
    k.EdDSA,
    k.RS256,
    k.PS256,
    k.HS256,
    generateSigningKey('ES256'),
    generateSigningKey('HS256'),
    { ...k.RS256, alg: 'PS256' },
  ];
  return signers;
}

// Around now, with the skew edges (last second accepted / first refused) drawn often.
const time = fc.oneof(
  fc.integer({ min: NOW - 120, max: NOW + 120 }),
  fc.constantFrom(NOW - SKEW - 1, NOW - SKEW, NOW - SKEW + 1, NOW + SKEW - 1, NOW + SKEW, NOW + SKEW + 1),
);

/** Valid claims; a case overrides a few of them with hostile values and may drop one. */
export const VALID_CLAIMS: Record<string, unknown> = {
  iss: ISSUER,
  sub: 'usr_1',
  aud: AUDIENCE,
  exp: NOW + 60,
  iat: NOW - 5,
  jti: 'jti_1',
  sid: 'ses_1',
  role: 'clerk',
  scope: 'payroll:read',
};
// Lifetimes beyond the guard's default limit (a day) and NumericDates beyond any date.
const YEAR = 365 * 86_400;
const farExp = fc.constantFrom<unknown>(
  NOW + 86_400 - 5,
  NOW + 86_400 - 4,
  NOW + 10 * YEAR,
  1e20,
  1e308,
  253_402_300_799,
  253_402_300_800,
);
const longAgo = fc.constantFrom<unknown>(NOW - 86_400 + 59, NOW - 86_400 + 60, NOW - 10 * YEAR);

const hostileClaims = fc.record({
  iss: fc.constantFrom<unknown>('https://other.test', `${ISSUER}/`, 42),
  sub: fc.constantFrom<unknown>('', 7, 'usr_2'),
  aud: fc.constantFrom<unknown>([AUDIENCE], ['x', AUDIENCE], 'x', ['x', 'y'], [], [AUDIENCE, 7], ['x', 7], { a: 1 }),
  exp: fc.oneof(
    { weight: 4, arbitrary: time },
    { weight: 1, arbitrary: fc.constant<unknown>('1800000000') },
    { weight: 2, arbitrary: farExp },
  ),
  iat: fc.oneof(
    { weight: 2, arbitrary: time },
    { weight: 1, arbitrary: fc.constant<unknown>(null) },
    { weight: 2, arbitrary: longAgo },
  ),
  nbf: fc.oneof(time, fc.constant<unknown>('0')),
  jti: fc.constantFrom<unknown>('', 5),
  sid: fc.constantFrom<unknown>(9, ''),
  role: fc.constantFrom<unknown>(false, 'admin'),
  scope: fc.constantFrom<unknown>(['payroll:read'], ''),
  extra: fc.jsonValue({ maxDepth: 2 }),
});
export const claimsArb = fc
  .record({
    hostile: hostileClaims,
    overrides: fc.subarray(Object.keys(VALID_CLAIMS).concat('nbf', 'extra'), { maxLength: 2 }),
    omit: fc.subarray(Object.keys(VALID_CLAIMS), { maxLength: 1 }),
  })
  .map(({ hostile, overrides, omit }) => {
    const claims: Record<string, unknown> = { ...VALID_CLAIMS };
    for (const name of overrides) claims[name] = (hostile as Record<string, unknown>)[name];
    for (const name of omit) delete claims[name];
    return claims;
  });

export const VALID_HEADER = {
  algMode: 'signer',
  otherAlg: 'ES256',
  typ: 'at+jwt' as unknown,
  kidMode: 'target',
  extra: {} as Record<string, unknown>,
  dup: 'none',
};
const hostileHeader = fc.record({
  algMode: fc.constantFrom('none', 'NONE', 'other'),
  otherAlg: fc.constantFrom<string>(...ALL_ALGS, 'ES384', 'RS512'),
  typ: fc.constantFrom<unknown>(
    'AT+JWT',
    'application/at+jwt',
    'Application/AT+JWT',
    'JWT',
    'application/jwt',
    7,
    undefined,
  ),
  kidMode: fc.constantFrom('signer', 'absent', 'empty', 'number', 'unknown'),
  extra: fc.constantFrom<Record<string, unknown>>(
    { cty: 'JWT' },
    { crit: ['b64'], b64: true },
    { b64: true },
    { b64: false },
    { crit: ['exp'], exp: 1 },
    { jku: 'https://attacker.test/jwks' },
    { x5u: 'https://attacker.test/c' },
    { x5c: ['MIIB'] },
    { x5t: 'abc' },
    { jwk: { kty: 'oct', k: 'AAAA' } },
  ),
  dup: fc.constantFrom('kid', 'typ', 'alg'),
});
export const headerArb = fc
  .record({
    hostile: hostileHeader,
    overrides: fc.subarray(['algMode', 'typ', 'kidMode', 'extra', 'dup'], { maxLength: 2 }),
  })
  .map(({ hostile, overrides }) => {
    const header = { ...VALID_HEADER, otherAlg: hostile.otherAlg };
    for (const name of overrides)
      (header as Record<string, unknown>)[name] = (hostile as Record<string, unknown>)[name];
    return header;
  });

export const mutationArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const, n: 0, ch: '' }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('flip' as const),
      n: fc.nat(),
      ch: fc.constantFrom(...'AQgw_-.=+/ é'.split('')),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom('spareBits' as const, 'swap' as const, 'truncate' as const, 'extraSegment' as const),
      n: fc.nat(),
      ch: fc.constant(''),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom(
        'otherPayload' as const,
        'otherSignature' as const,
        'hsWithPublicKey' as const,
        'der' as const,
      ),
      n: fc.nat(),
      ch: fc.constant(''),
    }),
  },
);

export type Claims = Record<string, unknown>;
export type HeaderSpec = typeof headerArb extends fc.Arbitrary<infer T> ? T : never;
export type Mutation = typeof mutationArb extends fc.Arbitrary<infer T> ? T : never;

export interface Case {
  target: SigningKey;
  signer: SigningKey;
  header: HeaderSpec;
  claims: Claims;
  dupPayload: boolean;
  viaJose: boolean;
  mutation: Mutation;
}

export interface Built {
  token: string;
  /** Duplicate member names we put in on purpose (JSON.parse would keep the last one). */
  dupHeader: boolean;
  dupPayload: boolean;
}

export async function buildToken(c: Case): Promise<Built> {
  const { signer, target, header: spec } = c;
  const alg = spec.algMode === 'signer' ? signer.alg : spec.algMode === 'other' ? spec.otherAlg : spec.algMode;
  const kid = {
    target: target.kid,
    signer: signer.kid,
    absent: undefined,
    empty: '',
    number: 12,
    unknown: 'kid-unknown',
  }[spec.kidMode];
  const header: Record<string, unknown> = { alg, typ: spec.typ, kid, ...spec.extra };
  let headerText = JSON.stringify(header);
  if (spec.dup !== 'none')
    headerText = `${headerText.slice(0, -1)},${JSON.stringify(spec.dup)}:${JSON.stringify(header[spec.dup] ?? 'x')}}`;
  let payloadText = JSON.stringify(c.claims);
  if (c.dupPayload) payloadText = `${payloadText.slice(0, -1)},"sub":${JSON.stringify(c.claims.sub ?? 'usr_1')}}`;
  const clean =
    alg === signer.alg && spec.dup === 'none' && !c.dupPayload && !('crit' in spec.extra) && !('b64' in spec.extra);
  let token: string;
  if (c.viaJose && clean) {
    const protectedHeader = JSON.parse(headerText) as { alg: string };
    token = await new CompactSign(Buffer.from(payloadText)).setProtectedHeader(protectedHeader).sign(signer.privateKey);
  } else {
    const input = `${b64(headerText)}.${b64(payloadText)}`;
    token = `${input}.${b64(signBytes(signer, Buffer.from(input, 'latin1')))}`;
  }
  return { token: mutate(token, c), dupHeader: spec.dup !== 'none', dupPayload: c.dupPayload };
}

function mutate(token: string, c: Case): string {
  const { kind, n, ch } = c.mutation;
  const [h = '', p = '', s = ''] = token.split('.');
  switch (kind) {
    case 'none':
      return token;
    case 'flip': {
      const i = n % token.length;
      return token.slice(0, i) + ch + token.slice(i + 1);
    }
    case 'spareBits': {
      const seg = [h, p, s][n % 3] as string;
      if (seg.length % 4 === 0) return token;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(seg.at(-1) as string) | (1 + (n % 3));
      return token.replace(seg, seg.slice(0, -1) + alphabet[last & 63]);
    }
    case 'swap':
      return [
        [p, h, s],
        [h, s, p],
        [s, p, h],
      ][n % 3]!.join('.');
    case 'truncate':
      return token.slice(0, token.length - 1 - (n % 8));
    case 'extraSegment':
      return n % 2 === 0 ? `${token}.` : `${token}.${h}`;
    case 'otherPayload':
      return `${h}.${b64(JSON.stringify({ ...c.claims, role: 'admin', sub: 'usr_root' }))}.${s}`;
    case 'otherSignature': {
      const other = signerKeys()[n % signerKeys().length] as SigningKey;
      return `${h}.${p}.${b64(signBytes(other, Buffer.from(`${h}.${p}`, 'latin1')))}`;
    }
    case 'hsWithPublicKey': {
      if (c.target.publicKey === null) return token;
      const spki = createPublicKey(c.target.privateKey);
      const secret =
        n % 2 === 0 ? spki.export({ type: 'spki', format: 'pem' }) : spki.export({ type: 'spki', format: 'der' });
      const hh = b64(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: c.target.kid }));
      return `${hh}.${p}.${createHmac('sha256', secret).update(`${hh}.${p}`).digest('base64url')}`;
    }
    case 'der':
      if (c.signer.alg !== 'ES256') return token;
      return `${h}.${p}.${b64(sign('sha256', Buffer.from(`${h}.${p}`), { key: c.signer.privateKey, dsaEncoding: 'der' }))}`;
  }
}
