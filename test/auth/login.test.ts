import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { seedDemoPayroll } from '../../src/payroll/index.js';
import { bearer, createHarness, decodeJwt, ISSUER, problemOf, type Harness } from '../helpers/harness.js';

describe('POST /api/users-sessions (login)', () => {
  let h: Harness;
  let alice: { id: string; username: string; password: string };
  let doraEmployee: string;
  before(async () => {
    h = await createHarness();
    alice = await h.addUser('alice', 'admin');
    // A user's employee_id must name a real employee record: the demo seed's carol is one.
    const links = await seedDemoPayroll(h.payroll);
    if (links.carol === undefined) throw new Error('the demo seed has no carol');
    doraEmployee = links.carol;
    await h.addUser('dora', 'employee', 'dora-Correct-Horse-42', doraEmployee);
  });
  after(() => h.close());

  it('answers 201 with a token pair and a hardened refresh cookie', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      payload: { username: 'alice', password: alice.password },
    });
    assert.equal(response.statusCode, 201);
    const body = response.json();
    assert.deepEqual(Object.keys(body).sort(), [
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'session_id',
      'token_type',
    ]);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 900);
    assert.match(body.refresh_token, /^brt_[A-Za-z0-9_-]{43}$/);
    const cookie = String(response.headers['set-cookie']);
    assert.match(cookie, /^bulwark_refresh=brt_/);
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/api/users-sessions'])
      assert.ok(cookie.includes(attribute), `cookie lacks ${attribute}`);
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  it('issues an access token exactly as CONTRACT §3 says, verifiable by jose from the JWKS', async () => {
    const body = await h.login('alice', alice.password);
    const { header, claims } = decodeJwt(body.access_token);
    assert.deepEqual(Object.keys(header).sort(), ['alg', 'kid', 'typ']);
    assert.equal(header.alg, 'ES256');
    assert.equal(header.typ, 'at+jwt');
    assert.equal(claims.iss, ISSUER);
    assert.equal(claims.sub, alice.id);
    assert.notEqual(claims.sub, 'alice');
    assert.equal(claims.aud, 'payroll');
    assert.equal((claims.exp as number) - (claims.iat as number), 900);
    assert.equal(claims.iat, Math.floor(h.clock.now() / 1000));
    assert.equal(claims.sid, body.session_id);
    assert.equal(claims.client_id, 'bulwark');
    assert.equal(claims.role, 'admin');
    assert.equal(claims.scope, 'profile payroll:read payroll:write admin');
    assert.equal(typeof claims.jti, 'string');
    assert.equal(claims.employee_id, undefined);
    assert.ok(!body.access_token.includes(Buffer.from(alice.password).toString('base64url')));
    const jwks = (await h.app.inject({ url: '/.well-known/jwks.json' })).json();
    const verified = await jwtVerify(body.access_token, createLocalJWKSet(jwks), {
      issuer: ISSUER,
      audience: 'payroll',
      typ: 'at+jwt',
      currentDate: new Date(h.clock.now()),
    });
    assert.equal(verified.payload.sub, alice.id);
  });

  it('gives each login its own session and jti', async () => {
    const a = decodeJwt((await h.login('alice', alice.password)).access_token).claims;
    const b = decodeJwt((await h.login('alice', alice.password)).access_token).claims;
    assert.notEqual(a.jti, b.jti);
    assert.notEqual(a.sid, b.sid);
  });

  it('puts employee_id in the token of a linked user', async () => {
    const { claims } = decodeJwt((await h.login('dora', 'dora-Correct-Horse-42')).access_token);
    assert.equal(claims.employee_id, doraEmployee);
    assert.equal(claims.role, 'employee');
    assert.equal(claims.scope, 'profile payroll:read:self');
  });

  it('accepts the username in any case and with surrounding spaces', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      payload: { username: ' ALICE ', password: alice.password },
    });
    assert.equal(response.statusCode, 201);
  });

  it('answers a wrong password and an unknown user with the same 401 body', async () => {
    const wrong = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      payload: { username: 'alice', password: 'not-her-password' },
    });
    const unknown = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      payload: { username: 'mallory', password: 'whatever-password' },
    });
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.equal(problemOf(wrong).code, 'invalid_credentials');
    assert.equal(wrong.body, unknown.body);
    assert.equal(wrong.headers['set-cookie'], undefined);
    // RFC 9110 §15.5.2: a 401 carries a challenge; no error="invalid_token", the credentials were not a token.
    assert.equal(wrong.headers['www-authenticate'], 'Bearer realm="bulwark"');
    assert.equal(unknown.headers['www-authenticate'], 'Bearer realm="bulwark"');
  });

  it('refuses a disabled user with the same answer, even with the right password', async () => {
    const eve = await h.addUser('eve', 'clerk');
    await h.services.users.update(eve.id, { disabled: true }, null);
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      payload: { username: 'eve', password: eve.password },
    });
    assert.equal(response.statusCode, 401);
    assert.equal(problemOf(response).code, 'invalid_credentials');
  });

  it('writes audit events for failed and successful logins without the password', async () => {
    await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      payload: { username: 'alice', password: 'bad-password-xyz' },
    });
    await h.login('alice', alice.password);
    const events = await h.services.store.audit.list({}, { limit: 100 });
    const failed = events.items.find((e) => e.type === 'login.failed' && e.details.reason === 'bad_password');
    const ok = events.items.find((e) => e.type === 'login.succeeded' && e.actorId === alice.id);
    assert.ok(failed, 'login.failed event');
    assert.equal(failed.targetId, alice.id);
    assert.ok(ok, 'login.succeeded event');
    assert.ok(!JSON.stringify(events.items).includes('bad-password-xyz'));
    assert.ok(!JSON.stringify(events.items).includes(alice.password));
  });

  for (const [name, payload, contentType] of [
    ['a missing password', { username: 'alice' }, 'application/json'],
    ['an unknown field', { username: 'alice', password: 'x', role: 'admin' }, 'application/json'],
    ['a non-string username', { username: 42, password: 'x' }, 'application/json'],
    ['malformed JSON', '{"username": "alice", "password": "hunter2', 'application/json'],
    ['a JSON array', '[]', 'application/json'],
  ] as const) {
    it(`answers ${name} with 400 invalid_request`, async () => {
      const response = await h.app.inject({
        method: 'POST',
        url: '/api/users-sessions',
        payload: payload as never,
        headers: { 'content-type': contentType },
      });
      assert.equal(response.statusCode, 400);
      assert.equal(problemOf(response).code, 'invalid_request');
      assert.ok(!response.body.includes('hunter2'), 'the body is never echoed');
    });
  }

  it('answers a non-JSON content type with 415', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      payload: 'username=alice',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(response.statusCode, 415);
    assert.equal(problemOf(response).code, 'unsupported_media_type');
  });

  it('answers an oversize body with 413', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      payload: { username: 'alice', password: 'x'.repeat(70_000) },
    });
    assert.equal(response.statusCode, 413);
    assert.equal(problemOf(response).code, 'payload_too_large');
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await h.app.inject({ url: '/api/nope', headers: bearer('x') });
    assert.equal(response.statusCode, 404);
    assert.equal(problemOf(response).code, 'not_found');
  });
});
