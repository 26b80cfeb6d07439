import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  asAnswer,
  assertInvalidToken,
  expectAccepted,
  expectRejected,
  headerText,
  rawRequest,
  signedRaw,
  type Answer,
} from './forge.js';
import { b64url, callWith, GENEROUS_LIMITS, signEs256, startTarget, type Target } from './harness.js';

/** A request without any bearer credential: 401 invalid_token, the challenge without error (RFC 6750 §3). */
function assertNoBearerCredential(answer: Answer, what: string): void {
  assert.deepEqual(
    { status: answer.status, code: answer.code, challenge: answer.wwwAuthenticate },
    { status: 401, code: 'invalid_token', challenge: 'Bearer realm="bulwark"' },
    what,
  );
  assert.match(answer.contentType ?? '', /^application\/problem\+json/, `${what}: problem+json`);
}

/**
 * The compact-serialization and JSON rules of CONTRACT §3 against a real `bulwark serve`: each
 * malformed token carries a genuine signature of the server's key over exactly the bytes sent
 * (unless the mutation is in the signature itself), so only the format rule can refuse it.
 */
describe('adversarial: token format against a live server', () => {
  let target: Target;
  let claims: Record<string, unknown>;
  let genuine: string;
  /** The claims as JSON text without the final '}', for hand-built payloads. */
  let claimsOpen: string;
  let header: string;

  before(async () => {
    target = await startTarget(GENEROUS_LIMITS);
    claims = target.claimsOf((await target.login('alice')).access_token);
    genuine = target.forge(claims);
    header = headerText(target);
    claimsOpen = JSON.stringify(claims).slice(0, -1);
  });
  after(async () => {
    await target?.stop();
  });

  /** Re-signs a signing input whose segments were altered as text (not as bytes). */
  const signText = (input: string) => `${input}.${signEs256(target.privateKey, input)}`;
  const me = (lines: string[]) => rawRequest(target.url, '/api/users/me', lines);

  it('control: the hand-built header and payload are accepted as sent', async () => {
    await expectAccepted(target, signedRaw(target, header, JSON.stringify(claims)), 'hand-built');
    await expectAccepted(
      target,
      signedRaw(target, header, `${claimsOpen},"nested":{"a":1,"b":[1,{"c":2}]}}`),
      'hand-built with a nested claim',
    );
  });

  describe('JSON serializations instead of compact', () => {
    it('flattened and general JWS JSON in the Authorization header are refused', async () => {
      const [h, p, s] = genuine.split('.') as [string, string, string];
      const flattened = JSON.stringify({ payload: p, protected: h, signature: s });
      const general = JSON.stringify({ payload: p, signatures: [{ protected: h, signature: s }] });
      for (const [what, token] of [
        ['flattened', flattened],
        ['general', general],
        ['flattened, base64url of it', b64url(flattened)],
        ['general, base64url of it', b64url(general)],
        [
          'flattened with unprotected header',
          JSON.stringify({ payload: p, protected: h, header: { kid: target.kid }, signature: s }),
        ],
      ] as const) {
        await expectRejected(target, token, what);
      }
    });

    it('the server is still healthy', async () => target.assertHealthy());
  });

  describe('non-canonical base64url', () => {
    it('padding, standard-alphabet characters and whitespace are refused, in every segment', async () => {
      const [h, p] = genuine.split('.') as [string, string, string];
      // A payload whose encoding needs '=' padding and holds '-' and '_': ASCII text yields those
      // only from '~' / '?' at a byte offset of 2 mod 3, which three in a row guarantee.
      const payload = [0, 1, 2, 3]
        .map((i) => b64url(JSON.stringify({ ...claims, n: `~~~???${'x'.repeat(i)}` })))
        .find((p) => p.length % 4 !== 0);
      assert.ok(
        payload !== undefined && /-/.test(payload) && /_/.test(payload),
        'a payload encoding with padding, - and _',
      );
      const std = (s: string) => s.replace(/-/g, '+').replace(/_/g, '/');
      const pad = (s: string) => s + '='.repeat((4 - (s.length % 4)) % 4);
      assert.notEqual(std(payload), payload);
      assert.notEqual(pad(payload), payload);
      const cases: Array<[string, string]> = [
        ['payload padded with =', signText(`${h}.${pad(payload)}`)],
        ['payload with + and /', signText(`${h}.${std(payload)}`)],
        ['payload standard base64 padded', signText(`${h}.${pad(std(payload))}`)],
        ['header with a trailing =', signText(`${h}=.${p}`)],
        ['header with == padding', signText(`${h}==.${p}`)],
        ['payload with a space inside', signText(`${h}.${payload.slice(0, 8)} ${payload.slice(8)}`)],
        ['payload with a tab inside', signText(`${h}.${payload.slice(0, 8)}\t${payload.slice(8)}`)],
        ['header with a leading tab', signText(`\t${h}.${p}`)],
        ['payload with a %2D escape', signText(`${h}.${payload.replace('-', '%2D').replace('_', '%5F')}`)],
      ];
      const signature = genuine.slice(genuine.lastIndexOf('.') + 1);
      const input = genuine.slice(0, genuine.lastIndexOf('.'));
      const sigStd = std(signature);
      if (sigStd !== signature) cases.push(['signature with + and /', `${input}.${sigStd}`]);
      cases.push(
        ['signature padded with ==', `${input}.${signature}==`],
        ['signature padded with =', `${input}.${signature}=`],
      );
      for (const [what, token] of cases) {
        if (token.includes(' ')) assertInvalidToken(asAnswer(await me([`Authorization: Bearer ${token}`])), what);
        else await expectRejected(target, token, what);
      }
    });

    it('non-zero unused bits in the last character are refused (same bytes, other text)', async () => {
      // 64 signature bytes are 86 characters: the last carries 4 unused bits.
      const input = genuine.slice(0, genuine.lastIndexOf('.'));
      const signature = genuine.slice(genuine.lastIndexOf('.') + 1);
      assert.equal(signature.length % 4, 2);
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(signature.at(-1) as string);
      for (const bits of [1, 2, 4, 8, 15]) {
        const variant = `${signature.slice(0, -1)}${alphabet[last | bits]}`;
        assert.deepEqual(
          Buffer.from(variant, 'base64url'),
          Buffer.from(signature, 'base64url'),
          'the decoder ignores these bits',
        );
        await expectRejected(target, `${input}.${variant}`, `signature last char +${bits} unused bits`);
      }
      // Header and payload: lengths of 2 and 3 mod 4 (4 and 2 unused bits), re-signed over the altered text.
      const found = new Set<number>();
      for (let i = 0; found.size < 2 && i < 8; i++) {
        const text = JSON.stringify({ ...claims, n: 'y'.repeat(i) });
        const encoded = b64url(text);
        const rem = encoded.length % 4;
        if (rem === 0 || found.has(rem)) continue;
        found.add(rem);
        const value = alphabet.indexOf(encoded.at(-1) as string);
        const altered = `${encoded.slice(0, -1)}${alphabet[value | 1]}`;
        assert.equal(Buffer.from(altered, 'base64url').toString(), text);
        await expectRejected(
          target,
          signText(`${b64url(header)}.${altered}`),
          `payload, length ${rem} mod 4, unused bits set`,
        );
      }
      assert.equal(found.size, 2);
      const hEncoded = b64url(header);
      if (hEncoded.length % 4 !== 0) {
        const value = alphabet.indexOf(hEncoded.at(-1) as string);
        await expectRejected(
          target,
          signText(`${hEncoded.slice(0, -1)}${alphabet[value | 1]}.${b64url(JSON.stringify(claims))}`),
          'header unused bits set',
        );
      }
      // A length of 1 mod 4 encodes no whole bytes.
      await expectRejected(
        target,
        signText(`${hEncoded}.${b64url(JSON.stringify(claims))}A`),
        'payload length 1 mod 4',
      );
    });

    it('whitespace and line breaks around or inside the token', async () => {
      const mid = Math.floor(genuine.length / 2);
      // Inside the header value a space or tab stays part of the credential: a 401.
      for (const [what, value] of [
        ['two spaces after Bearer', `Bearer  ${genuine}`],
        ['tab after Bearer', `Bearer\t${genuine}`],
        ['space inside the token', `Bearer ${genuine.slice(0, mid)} ${genuine.slice(mid)}`],
        ['tab inside the token', `Bearer ${genuine.slice(0, mid)}\t${genuine.slice(mid)}`],
        ['token, space, junk', `Bearer ${genuine} x`],
      ] as const) {
        assertInvalidToken(asAnswer(await me([`Authorization: ${value}`])), what);
      }
      // A bare LF or CRLF inside the value breaks the HTTP message itself: Node's parser refuses
      // the request before any route, as problem+json 400 invalid_request (never a 5xx, never accepted).
      for (const [what, value] of [
        ['LF inside the token', `Bearer ${genuine.slice(0, mid)}\n${genuine.slice(mid)}`],
        [
          'CRLF + space (obsolete line folding) inside the token',
          `Bearer ${genuine.slice(0, mid)}\r\n ${genuine.slice(mid)}`,
        ],
        ['CR inside the token', `Bearer ${genuine.slice(0, mid)}\r${genuine.slice(mid)}`],
        ['NUL inside the token', `Bearer ${genuine.slice(0, mid)}\u0000${genuine.slice(mid)}`],
        ['a vertical tab inside the token', `Bearer ${genuine.slice(0, mid)}\u000b${genuine.slice(mid)}`],
      ] as const) {
        const answer = await me([`Authorization: ${value}`]);
        assert.deepEqual({ status: answer.status, code: answer.code }, { status: 400, code: 'invalid_request' }, what);
      }
    });

    it('2, 4 and 5 segments, and empty segments, are refused', async () => {
      const [h, p, s] = genuine.split('.') as [string, string, string];
      for (const [what, token] of [
        ['header.payload', `${h}.${p}`],
        ['header.payload.signature.extra', `${genuine}.${s}`],
        ['trailing dot', `${genuine}.`],
        ['five segments (JWE shape)', `${h}.${p}.${s}.${p}.${s}`],
        ['leading dot', `.${genuine}`],
        ['empty header', `.${p}.${s}`],
        ['empty payload', `${h}..${s}`],
        ['all empty', '..'],
        ['one dot', '.'],
        ['single segment', h],
        ['dot-separated garbage', 'a.b.c'],
      ] as const) {
        await expectRejected(target, token, what);
      }
      // An empty payload with a genuine signature over "header." (RFC 7515 allows it, a JWT never).
      await expectRejected(target, signText(`${b64url(header)}.`), 'empty payload, genuinely signed');
    });

    it('the server is still healthy', async () => target.assertHealthy());
  });

  describe('JSON and bytes of header and payload', () => {
    it('non-object JSON header or payload is refused', async () => {
      const values = [
        '[]',
        `[${JSON.stringify(claims)}]`,
        '"string"',
        JSON.stringify(JSON.stringify(claims)),
        '123',
        '0',
        'null',
        'true',
        '{}',
      ];
      for (const value of values) {
        await expectRejected(target, signedRaw(target, header, value), `payload ${value.slice(0, 30)}`);
        await expectRejected(target, signedRaw(target, value, JSON.stringify(claims)), `header ${value.slice(0, 30)}`);
      }
      for (const [what, text] of [
        ['trailing comma', `${claimsOpen},}`],
        ['single quotes', claimsOpen.replace(/"/g, "'") + '}'],
        ['comment', `${claimsOpen}/* c */}`],
        ['NaN', `${claimsOpen},"x":NaN}`],
        ['two JSON objects', `${JSON.stringify(claims)}{}`],
        ['trailing garbage', `${JSON.stringify(claims)}x`],
        ['truncated', claimsOpen],
        ['empty', ''],
      ] as const) {
        await expectRejected(target, signedRaw(target, header, text), `payload: ${what}`);
      }
    });

    it('non-UTF-8 bytes, overlong forms, lone surrogates and a BOM are refused', async () => {
      const bytes = (...parts: Array<string | number[]>) =>
        Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));
      const payload = JSON.stringify(claims);
      const headerOpen = header.slice(0, -1);
      const invalid: Array<[string, number[]]> = [
        ['0xff 0xfe', [0xff, 0xfe]],
        ['lone continuation byte', [0x80]],
        ['overlong "/"', [0xc0, 0xaf]],
        ['overlong NUL', [0xc0, 0x80]],
        ['UTF-8 encoded surrogate', [0xed, 0xa0, 0x80]],
        ['truncated 3-byte sequence', [0xe2, 0x82]],
        ['code point over U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
        ['latin-1 é', [0xe9]],
      ];
      for (const [what, seq] of invalid) {
        await expectRejected(
          target,
          signedRaw(target, header, bytes(`${claimsOpen},"x":"`, seq, '"}')),
          `payload string: ${what}`,
        );
        await expectRejected(
          target,
          signedRaw(target, bytes(`${headerOpen},"x":"`, seq, '"}'), payload),
          `header string: ${what}`,
        );
        await expectRejected(
          target,
          signedRaw(target, header, bytes(`${claimsOpen},"`, seq, '":1}')),
          `payload member name: ${what}`,
        );
      }
      const bom = [0xef, 0xbb, 0xbf];
      await expectRejected(target, signedRaw(target, header, bytes(bom, payload)), 'payload with a UTF-8 BOM');
      await expectRejected(target, signedRaw(target, bytes(bom, header), payload), 'header with a UTF-8 BOM');
      await expectRejected(
        target,
        signedRaw(target, header, Buffer.from(`\ufeff${payload}`, 'utf16le')),
        'payload as UTF-16LE',
      );
      // Valid UTF-8 outside ASCII is fine (control: the rejections above are about the bytes).
      await expectAccepted(
        target,
        signedRaw(target, header, `${claimsOpen},"x":"é ключ 🔑"}`),
        'valid non-ASCII UTF-8',
      );
    });

    it('duplicate member names, top-level and nested, in payload and header, are refused', async () => {
      const payload = JSON.stringify(claims);
      const headerOpen = header.slice(0, -1);
      const sub = JSON.stringify(claims.sub);
      const payloads: Array<[string, string]> = [
        ['sub twice (other value last)', `{"sub":"a",${payload.slice(1)}`],
        ['sub twice (same value)', `{"sub":${sub},${payload.slice(1)}`],
        ['role twice, admin last', `${claimsOpen},"role":"admin"}`],
        ['exp twice', `${claimsOpen},"exp":99999999999}`],
        ['nested duplicate', `${claimsOpen},"x":{"a":1,"a":2}}`],
        ['nested duplicate in an array', `${claimsOpen},"x":[{"a":1,"a":1}]}`],
        ['duplicate via escape', `{"s\\u0075b":"a",${payload.slice(1)}`],
        ['nested duplicate via escape', `${claimsOpen},"x":{"a":1,"\\u0061":2}}`],
        ['duplicate __proto__', `${claimsOpen},"__proto__":{},"__proto__":{}}`],
      ];
      for (const [what, text] of payloads)
        await expectRejected(target, signedRaw(target, header, text), `payload: ${what}`);
      const headers: Array<[string, string]> = [
        ['alg twice (none first)', `{"alg":"none",${header.slice(1)}`],
        ['alg twice (HS256 last)', `${headerOpen},"alg":"HS256"}`],
        ['kid twice', `${headerOpen},"kid":"other"}`],
        ['kid twice, same value', `${headerOpen},"kid":${JSON.stringify(target.kid)}}`],
        ['typ twice', `{"typ":"JWT",${header.slice(1)}`],
        ['nested duplicate', `${headerOpen},"x":{"a":1,"a":2}}`],
      ];
      for (const [what, text] of headers)
        await expectRejected(target, signedRaw(target, text, payload), `header: ${what}`);
      // Controls: a ':' inside strings and escapes without duplicates are fine.
      await expectAccepted(
        target,
        signedRaw(target, header, `${claimsOpen},"x":"a:b","y":{"a\\u0062":"c:d"},"\\u0061":1}`),
        'colons in strings, escaped names',
      );
    });

    it('the server is still healthy', async () => target.assertHealthy());
  });

  describe('size and depth', () => {
    /** A genuinely signed token of exactly `length` characters (claims padded with a filler claim). */
    const tokenOfLength = (length: number): string => {
      for (let spaces = 0; spaces < 4; spaces++) {
        const h = header.replace('{', `{${' '.repeat(spaces)}`);
        const base = signedRaw(target, h, JSON.stringify({ ...claims, pad: '' })).length;
        const guess = Math.max(0, Math.floor(((length - base) * 3) / 4) - 4);
        for (let n = guess; n < guess + 12; n++) {
          const token = signedRaw(target, h, JSON.stringify({ ...claims, pad: 'p'.repeat(n) }));
          if (token.length === length) return token;
        }
      }
      throw new Error(`no token of length ${length}`);
    };

    it('the verifier length limit: 8192 characters accepted, 8193 refused', async () => {
      const largest = tokenOfLength(8192);
      assert.equal(largest.length, 8192);
      await expectAccepted(target, largest, 'an 8192-character token');
      await expectRejected(target, tokenOfLength(8193), 'an 8193-character token');
      await expectRejected(target, tokenOfLength(12 * 1024), 'a 12 KB token');
    });

    it('a header section over 16 KB is 431 header_too_large (problem+json), at 16 KB and 100 KB', async () => {
      for (const size of [16 * 1024, 100 * 1024]) {
        const token = tokenOfLength(size);
        const answer = await me([`Authorization: Bearer ${token}`]);
        assert.deepEqual(
          { status: answer.status, code: answer.code },
          { status: 431, code: 'header_too_large' },
          `${size}-byte token`,
        );
        assert.match(answer.headers['content-type'] ?? '', /^application\/problem\+json/);
      }
      // A 100 KB kid: same answer, from the HTTP layer.
      const hugeKid = signedRaw(target, headerText(target, { kid: 'k'.repeat(100 * 1024) }), JSON.stringify(claims));
      const answer = await me([`Authorization: Bearer ${hugeKid}`]);
      assert.deepEqual(
        { status: answer.status, code: answer.code },
        { status: 431, code: 'header_too_large' },
        '100 KB kid',
      );
    });

    it('deeply nested JSON in a claim or the header is refused without harm', async () => {
      const nest = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const nestObj = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      // Control: moderate nesting is an ordinary claim.
      await expectAccepted(target, signedRaw(target, header, `${claimsOpen},"deep":${nest(10)}}`), 'depth 10');
      for (const depth of [100, 1_000, 2_500]) {
        await expectRejected(
          target,
          signedRaw(target, header, `${claimsOpen},"deep":${nest(depth)}}`),
          `array depth ${depth}`,
        );
        await expectRejected(
          target,
          signedRaw(target, header, `${claimsOpen},"deep":${nestObj(Math.floor(depth / 3))}}`),
          `object depth ${Math.floor(depth / 3)}`,
        );
        await expectRejected(
          target,
          signedRaw(target, `${header.slice(0, -1)},"deep":${nest(depth)}}`, JSON.stringify(claims)),
          `header depth ${depth}`,
        );
      }
      // Depth 10,000 cannot fit the verifier's 8192 characters, nor the 16 KB header section: 431.
      const deepest = signedRaw(target, header, `${claimsOpen},"deep":${nest(10_000)}}`);
      const answer = await me([`Authorization: Bearer ${deepest}`]);
      assert.deepEqual(
        { status: answer.status, code: answer.code },
        { status: 431, code: 'header_too_large' },
        'depth 10,000',
      );
    });

    it('the server is still healthy', async () => target.assertHealthy());
  });

  describe('the Authorization header itself', () => {
    it('scheme case is free (RFC 7235), everything else about it is strict', async () => {
      for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
        const answer = await me([`Authorization: ${scheme} ${genuine}`]);
        assert.equal(answer.status, 200, `${scheme} with a genuine token`);
      }
      const forged = `${genuine.slice(0, -2)}AA`;
      for (const scheme of ['Bearer', 'bearer'])
        assertInvalidToken(asAnswer(await me([`Authorization: ${scheme} ${forged}`])), `${scheme} with a forged token`);
      const basic = Buffer.from(`alice:${target.password('alice')}`).toString('base64');
      // No bearer credential at all (no header, another scheme, the token elsewhere): 401
      // invalid_token with the bare challenge, no error code (RFC 6750 §3, issue #12).
      for (const [what, lines] of [
        ['no Authorization header', []],
        ['empty Authorization header', ['Authorization: ']],
        ['Basic with the real password', [`Authorization: Basic ${basic}`]],
        ['Basic carrying the token', [`Authorization: Basic ${genuine}`]],
        ['the token without a scheme', [`Authorization: ${genuine}`]],
        ['Bearertoken (no space)', [`Authorization: Bearer${genuine}`]],
        ['token in X-Authorization only', [`X-Authorization: Bearer ${genuine}`]],
        ['token in a cookie only', [`Cookie: access_token=${genuine}`]],
      ] as Array<[string, string[]]>) {
        assertNoBearerCredential(asAnswer(await me(lines)), what);
      }
      // The DPoP scheme (RFC 9449) with a token bound to no key: refused, challenged in that scheme.
      const dpop = asAnswer(await me([`Authorization: DPoP ${genuine}`]));
      assert.deepEqual({ status: dpop.status, code: dpop.code }, { status: 401, code: 'invalid_token' }, 'DPoP scheme');
      assert.match(
        String(dpop.wwwAuthenticate),
        /^DPoP error="invalid_token", algs="[^"]+"$/,
        'DPoP scheme: challenge',
      );
      for (const [what, lines] of [
        ['Bearer without a token', ['Authorization: Bearer']],
        ['Bearer and a space', ['Authorization: Bearer ']],
        ['Bearer: (colon)', [`Authorization: Bearer:${genuine}`]],
        [
          'two Authorization headers, forged first',
          [`Authorization: Bearer ${forged}`, `Authorization: Bearer ${genuine}`],
        ],
        [
          'two Authorization headers, genuine first',
          [`Authorization: Bearer ${genuine}`, `Authorization: Bearer ${forged}`],
        ],
        ['the same genuine token twice', [`Authorization: Bearer ${genuine}`, `Authorization: Bearer ${genuine}`]],
        ['Bearer and Basic', [`Authorization: Bearer ${genuine}`, `Authorization: Basic ${basic}`]],
        ['two tokens in one header, comma-separated', [`Authorization: Bearer ${genuine}, Bearer ${genuine}`]],
      ] as Array<[string, string[]]>) {
        assertInvalidToken(asAnswer(await me(lines)), what);
      }
      // The token as a query parameter is no credential either (RFC 6750 §2.3 is not supported).
      const query = await fetch(`${target.url}/api/users/me?access_token=${genuine}`);
      assertNoBearerCredential(
        {
          status: query.status,
          code: ((await query.json()) as { code?: string }).code,
          contentType: query.headers.get('content-type'),
          wwwAuthenticate: query.headers.get('www-authenticate'),
        },
        'access_token query parameter',
      );
      // Through fetch, two appended values arrive joined as one header: refused.
      const joined = new Headers();
      joined.append('authorization', `Bearer ${genuine}`);
      joined.append('authorization', `Bearer ${genuine}`);
      assertInvalidToken(
        await callWith(target, genuine, '/api/users/me', { headers: Object.fromEntries(joined) }),
        'joined Authorization values',
      );
    });

    it('the server is still healthy', async () => target.assertHealthy());
  });

  it('no input above produced a 5xx in the server log', () => {
    assert.doesNotMatch(target.server.output(), /"level":(50|60)|request failed|internal_error/);
  });
});
