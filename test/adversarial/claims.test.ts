import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  assertRejected,
  b64url,
  encodeJson,
  GENEROUS_LIMITS,
  send,
  signEs256,
  startTarget,
  type Target,
} from './harness.js';

/**
 * Claim checks of CONTRACT §3 against a real `bulwark serve`: every token here carries a VALID
 * signature by the server's own key, so a rejection can only come from the claim or header check
 * under test (and an acceptance proves the check lets a legitimate variant through).
 * The server runs with the default clock skew (BULWARK_CLOCK_SKEW 30 s); the edges are probed at
 * whole seconds with ≥ 10 s margins on both sides so a slow machine cannot flip a case.
 */

const SKEW = 30;

type Expect = 200 | 'invalid_token' | 'token_expired';
interface Case {
  name: string;
  /** Alters a fresh copy of alice's real claims (iat = now, exp = now + 600, a new jti). */
  claims?: (c: Record<string, unknown>, now: number) => void;
  header?: Record<string, unknown>;
  /** A payload sent as this exact JSON text (for values JSON.stringify cannot write). */
  rawPayload?: (c: Record<string, unknown>, now: number) => string;
  expect: Expect;
  /** Checked only where the user is looked up (/api/users/me): payroll trusts a valid token's sub. */
  meOnly?: boolean;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

const cases: Case[] = [
  // Control: the forging works, so every rejection below is about the one thing changed.
  { name: 'unaltered claims (control)', expect: 200 },

  // exp
  { name: 'exp missing', claims: (c) => void delete c.exp, expect: 'invalid_token' },
  { name: 'exp an hour in the past', claims: (c, now) => void (c.exp = now - 3_600), expect: 'token_expired' },
  { name: `exp 10 s ago: inside the ${SKEW} s skew`, claims: (c, now) => void (c.exp = now - 10), expect: 200 },
  {
    name: `exp ${SKEW + 15} s ago: outside the skew`,
    claims: (c, now) => void (c.exp = now - SKEW - 15),
    expect: 'token_expired',
  },
  { name: 'exp as a numeric string', claims: (c, now) => void (c.exp = String(now + 600)), expect: 'invalid_token' },
  {
    name: 'exp as a float (NumericDate allows fractions)',
    claims: (c, now) => void (c.exp = now + 600.5),
    expect: 200,
  },
  { name: 'exp negative', claims: (c) => void (c.exp = -1), expect: 'token_expired' },
  { name: 'exp zero', claims: (c) => void (c.exp = 0), expect: 'token_expired' },
  // Issue #12: exp beyond the year 9999 is no date, and exp - iat may not exceed the access TTL + skew.
  { name: 'exp huge (1e20)', claims: (c) => void (c.exp = 1e20), expect: 'invalid_token' },
  {
    name: 'exp 1e400 (parses to Infinity)',
    rawPayload: (c) => JSON.stringify({ ...c, exp: 0 }).replace('"exp":0', '"exp":1e400'),
    expect: 'invalid_token',
  },
  { name: 'exp null', claims: (c) => void (c.exp = null), expect: 'invalid_token' },
  { name: 'exp true', claims: (c) => void (c.exp = true), expect: 'invalid_token' },
  { name: 'exp an array', claims: (c, now) => void (c.exp = [now + 600]), expect: 'invalid_token' },

  // nbf
  {
    name: `nbf ${SKEW + 30} s in the future: beyond the skew`,
    claims: (c, now) => void (c.nbf = now + SKEW + 30),
    expect: 'invalid_token',
  },
  { name: 'nbf 10 s in the future: within the skew', claims: (c, now) => void (c.nbf = now + 10), expect: 200 },
  { name: 'nbf now', claims: (c, now) => void (c.nbf = now), expect: 200 },
  { name: 'nbf as a string', claims: (c, now) => void (c.nbf = String(now)), expect: 'invalid_token' },
  { name: 'nbf null', claims: (c) => void (c.nbf = null), expect: 'invalid_token' },

  // iat
  {
    name: `iat ${SKEW + 30} s in the future: beyond the skew`,
    claims: (c, now) => void (c.iat = now + SKEW + 30),
    expect: 'invalid_token',
  },
  { name: 'iat 10 s in the future: within the skew', claims: (c, now) => void (c.iat = now + 10), expect: 200 },
  { name: 'iat as a string', claims: (c, now) => void (c.iat = String(now)), expect: 'invalid_token' },
  { name: 'iat missing (required by the token service)', claims: (c) => void delete c.iat, expect: 'invalid_token' },

  // iss
  { name: 'iss missing', claims: (c) => void delete c.iss, expect: 'invalid_token' },
  { name: 'iss another issuer', claims: (c) => void (c.iss = 'https://evil.example'), expect: 'invalid_token' },
  { name: 'iss with a trailing slash', claims: (c) => void (c.iss = `${String(c.iss)}/`), expect: 'invalid_token' },
  {
    name: 'iss with its case changed',
    claims: (c) => void (c.iss = String(c.iss).toUpperCase()),
    expect: 'invalid_token',
  },
  { name: 'iss as an array holding the issuer', claims: (c) => void (c.iss = [c.iss]), expect: 'invalid_token' },
  { name: 'iss empty', claims: (c) => void (c.iss = ''), expect: 'invalid_token' },

  // aud
  { name: 'aud missing', claims: (c) => void delete c.aud, expect: 'invalid_token' },
  { name: 'aud another audience', claims: (c) => void (c.aud = 'billing'), expect: 'invalid_token' },
  { name: 'aud with its case changed', claims: (c) => void (c.aud = 'PAYROLL'), expect: 'invalid_token' },
  { name: 'aud an array containing payroll', claims: (c) => void (c.aud = ['billing', 'payroll']), expect: 200 },
  { name: 'aud an array without payroll', claims: (c) => void (c.aud = ['billing', 'hr']), expect: 'invalid_token' },
  { name: 'aud an empty array', claims: (c) => void (c.aud = []), expect: 'invalid_token' },
  { name: 'aud an array with a non-string', claims: (c) => void (c.aud = ['payroll', 7]), expect: 'invalid_token' },
  { name: 'aud a number', claims: (c) => void (c.aud = 7), expect: 'invalid_token' },

  // typ (RFC 9068 §2.1 and §4: at+jwt; RFC 7515 §4.1.9: media types compare case-insensitively
  // and "application/" may be left out, so every spelling of application/at+jwt is the same typ)
  { name: 'typ missing', header: { typ: undefined }, expect: 'invalid_token' },
  { name: 'typ "JWT"', header: { typ: 'JWT' }, expect: 'invalid_token' },
  { name: 'typ "jwt"', header: { typ: 'jwt' }, expect: 'invalid_token' },
  { name: 'typ "application/jwt"', header: { typ: 'application/jwt' }, expect: 'invalid_token' },
  { name: 'typ "at+JWT" (case-insensitive media type)', header: { typ: 'at+JWT' }, expect: 200 },
  { name: 'typ "AT+JWT"', header: { typ: 'AT+JWT' }, expect: 200 },
  { name: 'typ "application/at+jwt"', header: { typ: 'application/at+jwt' }, expect: 200 },
  { name: 'typ "Application/At+Jwt"', header: { typ: 'Application/At+Jwt' }, expect: 200 },
  { name: 'typ "at+jwt " (trailing space)', header: { typ: 'at+jwt ' }, expect: 'invalid_token' },
  { name: 'typ "x/at+jwt" (another media type prefix)', header: { typ: 'x/at+jwt' }, expect: 'invalid_token' },
  {
    name: 'typ "at+jwt; charset=utf-8" (media type parameters)',
    header: { typ: 'at+jwt; charset=utf-8' },
    expect: 'invalid_token',
  },
  { name: 'typ a number', header: { typ: 1 }, expect: 'invalid_token' },

  // sub (a well-formed sub of nobody: the token service looks the user up and refuses; the
  // payroll API is stateless by design and trusts what the token service signed)
  { name: 'sub missing', claims: (c) => void delete c.sub, expect: 'invalid_token' },
  { name: 'sub empty', claims: (c) => void (c.sub = ''), expect: 'invalid_token' },
  {
    name: 'sub a user id that does not exist',
    claims: (c) => void (c.sub = '00000000-0000-4000-8000-000000000000'),
    expect: 'invalid_token',
    meOnly: true,
  },
  {
    name: 'sub the username instead of the id',
    claims: (c) => void (c.sub = 'alice'),
    expect: 'invalid_token',
    meOnly: true,
  },
  { name: 'sub a number', claims: (c) => void (c.sub = 42), expect: 'invalid_token' },
  { name: 'sub null', claims: (c) => void (c.sub = null), expect: 'invalid_token' },

  // jti
  { name: 'jti missing', claims: (c) => void delete c.jti, expect: 'invalid_token' },
  {
    name: 'sid missing (a token no session revocation could reach)',
    claims: (c) => void delete c.sid,
    expect: 'invalid_token',
  },
  { name: 'jti a number', claims: (c) => void (c.jti = 1), expect: 'invalid_token' },
];

let target: Target;
before(async () => {
  target = await startTarget(GENEROUS_LIMITS);
});
after(() => target.stop());

describe('adversarial: claims of validly signed tokens (exp/nbf/iat/iss/aud/typ/sub)', () => {
  let base: Record<string, unknown>;
  let aliceId: string;
  before(async () => {
    base = target.claimsOf((await target.login('alice')).access_token);
    aliceId = String(base.sub);
  });

  function tokenFor(c: Case): string {
    const now = nowSeconds();
    const claims: Record<string, unknown> = { ...base, iat: now, exp: now + 600, jti: b64url(randomBytes(16)) };
    c.claims?.(claims, now);
    if (c.rawPayload === undefined) return target.forge(claims, c.header);
    const signingInput = `${encodeJson({ alg: 'ES256', typ: 'at+jwt', kid: target.kid, ...c.header })}.${b64url(c.rawPayload(claims, now))}`;
    return `${signingInput}.${signEs256(target.privateKey, signingInput)}`;
  }

  for (const c of cases) {
    it(`${c.name} → ${c.expect === 200 ? '200' : `401 ${c.expect}`}`, async () => {
      const token = tokenFor(c);
      // The token service's own route and a payroll route: one verifier, one answer.
      for (const path of c.meOnly === true ? ['/api/users/me'] : ['/api/users/me', '/api/employees?limit=1']) {
        const answer = await send(target, 'GET', path, { token });
        if (c.expect === 200) {
          assert.equal(answer.status, 200, `${path}: ${answer.text}`);
          if (path === '/api/users/me') assert.equal(answer.json<{ id: string }>().id, aliceId);
        } else {
          assertRejected(answer, c.expect, path);
        }
      }
    });
  }

  it('every rejection looks the same from outside: one body for every invalid_token reason', async () => {
    const bodies = new Set<string>();
    for (const c of cases.filter((x) => x.expect === 'invalid_token'))
      bodies.add((await send(target, 'GET', '/api/users/me', { token: tokenFor(c) })).text);
    assert.equal(bodies.size, 1, [...bodies].join('\n'));
  });

  it('the server is still healthy', () => target.assertHealthy());
});

describe('adversarial: role escalation without the key', () => {
  let clerk: string;
  let employee: string;
  before(async () => {
    clerk = (await target.login('bob')).access_token;
    employee = (await target.login('carol')).access_token;
  });

  const adminRoutes: Array<[string, string, unknown?]> = [
    ['GET', '/api/users'],
    ['POST', '/api/users', { username: 'mallory', password: 'a long enough passphrase', role: 'admin' }],
    ['GET', '/api/sessions'],
    ['GET', '/api/keys'],
    ['POST', '/api/keys/rotate', {}],
    ['GET', '/api/audit-events'],
  ];

  it('a real clerk or employee token on admin routes is 403 forbidden with error="insufficient_scope"', async () => {
    for (const token of [clerk, employee]) {
      for (const [method, path, body] of adminRoutes) {
        const answer = await send(target, method, path, { token, body });
        assert.equal(answer.status, 403, `${method} ${path}: ${answer.text}`);
        assert.equal(answer.code, 'forbidden');
        assert.equal(answer.headers['www-authenticate'], 'Bearer realm="bulwark", error="insufficient_scope"');
      }
    }
  });

  it("the clerk's token with role edited to admin (signature kept) is 401 invalid_token", async () => {
    const [header, , signature] = clerk.split('.');
    const claims = { ...target.claimsOf(clerk), role: 'admin', scope: 'profile payroll:read payroll:write admin' };
    const edited = `${header}.${encodeJson(claims)}.${signature}`;
    for (const [method, path, body] of adminRoutes)
      assertRejected(await send(target, method, path, { token: edited, body }), 'invalid_token', `${method} ${path}`);
  });

  it('the clerk\'s claims re-sent as alg "none" (no signature) are 401 invalid_token', async () => {
    const claims = { ...target.claimsOf(clerk), role: 'admin' };
    const unsigned = `${encodeJson({ alg: 'none', typ: 'at+jwt', kid: target.kid })}.${encodeJson(claims)}.`;
    assertRejected(await send(target, 'GET', '/api/users', { token: unsigned }), 'invalid_token', 'alg none');
  });

  it("the employee's token with employee_id edited to another record is 401, never the other view", async () => {
    const [header, , signature] = employee.split('.');
    const claims = { ...target.claimsOf(employee), employee_id: '00000000-0000-4000-8000-000000000001' };
    assertRejected(
      await send(target, 'GET', '/api/employees', { token: `${header}.${encodeJson(claims)}.${signature}` }),
      'invalid_token',
      'employee_id edit',
    );
  });

  it('nothing was created by the refused calls: mallory cannot log in', async () => {
    const answer = await send(target, 'POST', '/api/users-sessions', {
      body: { username: 'mallory', password: 'a long enough passphrase' },
    });
    assert.equal(answer.status, 401);
    assert.equal(answer.code, 'invalid_credentials');
  });

  it('the server is still healthy', () => target.assertHealthy());
});
