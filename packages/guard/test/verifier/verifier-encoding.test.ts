import assert from 'node:assert/strict';
import { constants, sign, verify } from 'node:crypto';
import { signBytes } from '../../../../src/jose/sign.js';
import { describe, it } from 'node:test';
import {
  assertRejected,
  b64,
  baseClaims,
  keys,
  rawToken,
  setSpareBits,
  signSegments,
  token,
  verifier,
} from '../helpers.js';

const es = () => keys().ES256;
const hs = () => keys().HS256;
const headerText = () => JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: es().kid });
const claimsText = () => JSON.stringify(baseClaims());

/** A valid HS256 token whose signature segment contains '-' or '_' (so '+' '/' can stand in). */
function tokenWithUrlChars(): string {
  for (let i = 0; ; i++) {
    const jwt = token(hs(), {}, { jti: `jti_${i}` });
    if (/[-_]/.test(jwt.split('.')[2] as string)) return jwt;
  }
}

describe('verifier: compact form', () => {
  it('rejects a missing or empty token', () => {
    assertRejected(verifier(), '', 'missing');
    assertRejected(verifier(), undefined as unknown as string, 'missing');
  });

  it('rejects anything but exactly three segments with non-empty header and payload', () => {
    const [h, p, s] = token(es()).split('.') as [string, string, string];
    for (const bad of [`${h}.${p}`, `${h}.${p}.${s}.`, `${h}.${p}.${s}.${s}`, `.${p}.${s}`, `${h}..${s}`, h, '..']) {
      assertRejected(verifier(), bad, 'malformed');
    }
  });

  it('rejects an empty signature after checking the header', () => {
    const [h, p] = token(es()).split('.') as [string, string];
    assertRejected(verifier(), `${h}.${p}.`, 'signature_invalid');
  });

  it('rejects a token longer than maxTokenLength before parsing it', () => {
    assertRejected(verifier(), token(es(), {}, { pad: 'x'.repeat(9000) }), 'too_long');
    assertRejected(verifier({ maxTokenLength: 100 }), token(es()), 'too_long');
  });
});

describe('verifier: canonical base64url', () => {
  it('rejects padding in any segment', () => {
    const [h, p, s] = token(hs()).split('.') as [string, string, string];
    const pad = (seg: string) => seg + '='.repeat((4 - (seg.length % 4)) % 4 || 4);
    assertRejected(verifier(), `${pad(h)}.${p}.${s}`, 'malformed');
    assertRejected(verifier(), signSegments(h, pad(p), hs()), 'malformed');
    assertRejected(verifier(), `${h}.${p}.${pad(s)}`, 'malformed');
  });

  it("rejects '+' and '/' (base64, not base64url) even where they decode to the same bytes", () => {
    const [h, p, s] = tokenWithUrlChars().split('.') as [string, string, string];
    verifier().verify(`${h}.${p}.${s}`);
    assertRejected(verifier(), `${h}.${p}.${s.replaceAll('-', '+').replaceAll('_', '/')}`, 'malformed');
  });

  it('rejects non-zero unused trailing bits, though Buffer would decode the same bytes', () => {
    const [h, p, s] = token(hs()).split('.') as [string, string, string];
    assert.equal(s.length % 4, 3);
    assert.deepEqual(Buffer.from(setSpareBits(s), 'base64url'), Buffer.from(s, 'base64url'));
    assertRejected(verifier(), `${h}.${p}.${setSpareBits(s)}`, 'malformed');
    // Header and payload re-signed over the altered text, so only the encoding rule can object.
    const hEven = b64(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: hs().kid, x: 'ab' }));
    const pOdd = b64(JSON.stringify(baseClaims({ x: 'abc' })));
    for (const [hh, pp] of [
      [setSpareBits(hEven), p],
      [h, setSpareBits(pOdd)],
    ] as const) {
      assertRejected(verifier(), signSegments(hh, pp, hs()), 'malformed');
    }
  });

  it('rejects characters outside the alphabet (spaces, quotes, non-ASCII)', () => {
    const [h, p, s] = token(hs()).split('.') as [string, string, string];
    for (const bad of [` ${h}`, `${h.slice(0, 4)} ${h.slice(4)}`, `${h}é`.slice(1)]) {
      assertRejected(verifier(), `${bad}.${p}.${s}`, 'malformed');
    }
    assertRejected(verifier(), `${h}.${p}.${s.slice(0, 8)}"${s.slice(9)}`, 'malformed');
  });
});

describe('verifier: strict JSON', () => {
  it('rejects duplicate keys in the header', () => {
    const kid = es().kid;
    const dup = `{"alg":"ES256","typ":"at+jwt","kid":"${kid}","kid":"${kid}"}`;
    assertRejected(verifier(), rawToken(dup, claimsText(), es()), 'header_invalid');
    const dupAlg = `{"alg":"HS256","typ":"at+jwt","kid":"${kid}","alg":"ES256"}`;
    assertRejected(verifier(), rawToken(dupAlg, claimsText(), es()), 'header_invalid');
  });

  it('rejects duplicate keys in the payload, at the top level and nested, escaped or not', () => {
    const body = claimsText().slice(1, -1);
    const payloads = [
      `{${body},"sub":"usr_admin"}`,
      `{${body},"s\\u0075b":"usr_admin"}`,
      `{${body},"ctx":{"a":1,"b":{"c":1,"c":2}}}`,
      `{${body},"list":[{"a":1},{"a":1,"a":1}]}`,
      `{${body},"u":"a:b","x":{"k":1,"k":2}}`,
    ];
    for (const payload of payloads)
      assertRejected(verifier(), rawToken(headerText(), payload, es()), 'payload_invalid');
  });

  it('rejects headers and payloads that are not JSON objects', () => {
    for (const text of ['[]', '"x"', '1', 'null', 'true', '', '{', '{"alg":"ES256"', '\ufeff{}']) {
      assertRejected(verifier(), rawToken(text || ' ', claimsText(), es()), 'header_invalid');
      assertRejected(verifier(), rawToken(headerText(), text || ' ', es()), 'payload_invalid');
    }
  });

  it('rejects bytes that are not UTF-8 (invalid, overlong, surrogate) in header or payload', () => {
    for (const bytes of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
      const at = (text: string) => {
        const i = text.indexOf('@');
        return Buffer.concat([Buffer.from(text.slice(0, i)), Buffer.from(bytes), Buffer.from(text.slice(i + 1))]);
      };
      const header = at(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: es().kid, note: '@' }));
      assertRejected(verifier(), rawToken(header, claimsText(), es()), 'header_invalid');
      const payload = at(JSON.stringify(baseClaims({ note: '@' })));
      assertRejected(verifier(), rawToken(headerText(), payload, es()), 'payload_invalid');
    }
  });

  it('rejects nesting deeper than 32 levels', () => {
    const deep = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`;
    assertRejected(
      verifier(),
      rawToken(headerText(), `{${claimsText().slice(1, -1)},"d":${deep}}`, es()),
      'payload_invalid',
    );
  });
});

describe('verifier: signatures', () => {
  it('rejects a DER-encoded ES256 signature (only raw r||s is JWS)', () => {
    const input = `${b64(headerText())}.${b64(claimsText())}`;
    const der = sign('sha256', Buffer.from(input), { key: es().privateKey, dsaEncoding: 'der' });
    assertRejected(verifier(), `${input}.${b64(der)}`, 'signature_invalid');
  });

  it('rejects the all-zero ES256 signature (r = s = 0)', () => {
    const input = `${b64(headerText())}.${b64(claimsText())}`;
    assertRejected(verifier(), `${input}.${b64(Buffer.alloc(64))}`, 'signature_invalid');
  });

  it('rejects truncated, extended and tampered signatures for every alg', () => {
    for (const key of Object.values(keys())) {
      const jwt = token(key);
      const dot = jwt.lastIndexOf('.');
      const sig = Buffer.from(jwt.slice(dot + 1), 'base64url');
      const head = jwt.slice(0, dot + 1);
      assertRejected(verifier(), head + b64(sig.subarray(0, sig.length - 3)), 'signature_invalid');
      assertRejected(verifier(), head + b64(Buffer.concat([Buffer.alloc(1), sig])), 'signature_invalid');
      sig[5] = (sig[5] as number) ^ 1;
      assertRejected(verifier(), head + b64(sig), 'signature_invalid');
    }
  });

  it('rejects a PS256 signature shorter than the modulus, which OpenSSL alone would accept', () => {
    const ps = keys().PS256;
    const input = `${b64(JSON.stringify({ alg: 'PS256', typ: 'at+jwt', kid: ps.kid }))}.${b64(claimsText())}`;
    let sig = signBytes(ps, Buffer.from(input));
    while (sig[0] !== 0) sig = signBytes(ps, Buffer.from(input)); // PSS is randomised: ~256 tries
    const short = sig.subarray(1);
    const pss = { key: ps.publicKey!, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    assert.equal(verify('sha256', Buffer.from(input), pss, short), true, 'premise: OpenSSL accepts it');
    verifier().verify(`${input}.${b64(sig)}`);
    assertRejected(verifier(), `${input}.${b64(short)}`, 'signature_invalid');
  });

  it('rejects a payload changed after signing', () => {
    const [h, , s] = token(es()).split('.') as [string, string, string];
    assertRejected(verifier(), `${h}.${b64(JSON.stringify(baseClaims({ role: 'admin2' })))}.${s}`, 'signature_invalid');
  });
});
