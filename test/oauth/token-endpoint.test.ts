import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, createHarness, decodeJwt, ISSUER, type Harness } from '../helpers/harness.js';
import { employeeBody } from '../payroll/fixture.js';
import { addClient, basic, oauthError, postForm } from './support.js';

const TOKEN = '/oauth/token';

describe('POST /oauth/token: client credentials (RFC 6749 §4.4, RFC 9068, RFC 8707)', () => {
  let h: Harness;
  let client: { id: string; secret: string };
  before(async () => {
    h = await createHarness();
    client = await addClient(h, {
      scope: 'payroll:read inventory:read',
      audiences: ['payroll', 'https://inventory.example'],
    });
  });
  after(() => h.close());

  it('answers 200 with an RFC 9068 token (sub = client), no-store, client_secret_basic', async () => {
    const response = await postForm(h, TOKEN, { grant_type: 'client_credentials' }, basic(client.id, client.secret));
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.equal(response.headers.pragma, 'no-cache');
    const body = response.json<Record<string, unknown>>();
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, h.config.accessTokenTtlSeconds);
    // A token is for one API (its first audience here) and carries what the client holds there.
    assert.equal(body.scope, 'payroll:read');
    const { header, claims } = decodeJwt(body.access_token as string);
    assert.equal(header.typ, 'at+jwt');
    assert.equal(claims.iss, ISSUER);
    assert.equal(claims.sub, client.id);
    assert.equal(claims.client_id, client.id);
    assert.equal(claims.aud, 'payroll');
    assert.equal(claims.scope, 'payroll:read');
    assert.equal(claims.role, undefined);
    assert.equal((claims.exp as number) - (claims.iat as number), h.config.accessTokenTtlSeconds);
    assert.equal(typeof claims.jti, 'string');
    // The token service's own verifier accepts it (sid names the grant).
    assert.equal(h.services.verifier.verify(body.access_token as string).sub, client.id);
  });

  it('client_secret_post works the same', async () => {
    const response = await postForm(h, TOKEN, {
      grant_type: 'client_credentials',
      client_id: client.id,
      client_secret: client.secret,
    });
    assert.equal(response.statusCode, 200, response.body);
  });

  it('down-scopes to a requested subset; refuses a scope the client lacks (invalid_scope)', async () => {
    const narrow = await postForm(
      h,
      TOKEN,
      { grant_type: 'client_credentials', scope: 'inventory:read' },
      basic(client.id, client.secret),
    );
    assert.equal(narrow.json().scope, 'inventory:read');
    // No resource: the first of the client's audiences where it holds every scope asked for.
    assert.equal(decodeJwt(narrow.json().access_token).claims.scope, 'inventory:read');
    assert.equal(decodeJwt(narrow.json().access_token).claims.aud, 'https://inventory.example');
    // Scopes of two APIs in one token: refused (a token is for one API).
    oauthError(
      await postForm(
        h,
        TOKEN,
        { grant_type: 'client_credentials', scope: 'payroll:read inventory:read' },
        basic(client.id, client.secret),
      ),
      400,
      'invalid_scope',
    );
    oauthError(
      await postForm(
        h,
        TOKEN,
        { grant_type: 'client_credentials', scope: 'payroll:read payroll:write' },
        basic(client.id, client.secret),
      ),
      400,
      'invalid_scope',
    );
    oauthError(
      await postForm(
        h,
        TOKEN,
        { grant_type: 'client_credentials', scope: 'bad"scope' },
        basic(client.id, client.secret),
      ),
      400,
      'invalid_scope',
    );
  });

  it("takes the audience from resource (RFC 8707), only among the client's audiences (invalid_target)", async () => {
    const other = await postForm(
      h,
      TOKEN,
      { grant_type: 'client_credentials', resource: 'https://inventory.example' },
      basic(client.id, client.secret),
    );
    assert.equal(decodeJwt(other.json().access_token).claims.aud, 'https://inventory.example');
    // A token for another API does not pass Bulwark's own verifier (wrong audience).
    assert.throws(() => h.services.verifier.verify(other.json().access_token), { code: 'invalid_token' });
    oauthError(
      await postForm(
        h,
        TOKEN,
        { grant_type: 'client_credentials', resource: 'https://evil.example' },
        basic(client.id, client.secret),
      ),
      400,
      'invalid_target',
    );
    oauthError(
      await postForm(
        h,
        TOKEN,
        { grant_type: 'client_credentials', resource: 'not a uri' },
        basic(client.id, client.secret),
      ),
      400,
      'invalid_target',
    );
    oauthError(
      await postForm(
        h,
        TOKEN,
        { grant_type: 'client_credentials', resource: 'https://inventory.example#x' },
        basic(client.id, client.secret),
      ),
      400,
      'invalid_target',
    );
    // RFC 8707 allows several; Bulwark issues a token for one API: two resources are refused.
    oauthError(
      await postForm(
        h,
        TOKEN,
        { grant_type: 'client_credentials', resource: ['payroll', 'https://inventory.example'] },
        basic(client.id, client.secret),
      ),
      400,
      'invalid_target',
    );
  });

  it('invalid_client (401, Basic challenge) for a wrong secret, an unknown or disabled client, or none at all', async () => {
    oauthError(
      await postForm(
        h,
        TOKEN,
        { grant_type: 'client_credentials' },
        basic(client.id, `${client.secret.slice(0, -1)}x`),
      ),
      401,
      'invalid_client',
    );
    oauthError(
      await postForm(h, TOKEN, { grant_type: 'client_credentials' }, basic('bcl_unknown', client.secret)),
      401,
      'invalid_client',
    );
    oauthError(
      await postForm(h, TOKEN, { grant_type: 'client_credentials' }, { authorization: 'Basic !!!' }),
      401,
      'invalid_client',
    );
    oauthError(await postForm(h, TOKEN, { grant_type: 'client_credentials' }), 401, 'invalid_client');
    oauthError(
      await postForm(h, TOKEN, { grant_type: 'client_credentials', client_id: client.id }),
      401,
      'invalid_client',
    );
    const disabled = await addClient(h);
    await h.services.clients.setDisabled(disabled.id, true, null);
    oauthError(
      await postForm(h, TOKEN, { grant_type: 'client_credentials' }, basic(disabled.id, disabled.secret)),
      401,
      'invalid_client',
    );
    const audit = await h.store.audit.list({ type: 'oauth.token_failed' }, { limit: 100 });
    assert.ok(audit.items.some((e) => e.targetId === disabled.id && e.details.error === 'invalid_client'));
    assert.ok(!JSON.stringify(audit.items).includes(client.secret.slice(4)), 'no secret in the audit log');
  });

  it('invalid_request for two authentication methods, a missing or repeated parameter, or a JSON body', async () => {
    oauthError(
      await postForm(
        h,
        TOKEN,
        { grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret },
        basic(client.id, client.secret),
      ),
      400,
      'invalid_request',
    );
    oauthError(await postForm(h, TOKEN, {}, basic(client.id, client.secret)), 400, 'invalid_request');
    oauthError(
      await postForm(
        h,
        TOKEN,
        { grant_type: ['client_credentials', 'client_credentials'] },
        basic(client.id, client.secret),
      ),
      400,
      'invalid_request',
    );
    const json = await h.app.inject({
      method: 'POST',
      url: TOKEN,
      headers: { 'content-type': 'application/json', ...basic(client.id, client.secret) },
      payload: { grant_type: 'client_credentials' },
    });
    oauthError(json, 400, 'invalid_request');
  });

  it('unsupported_grant_type for password, authorization_code and anything else', async () => {
    for (const grant of ['password', 'authorization_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer']) {
      oauthError(
        await postForm(h, TOKEN, { grant_type: grant, username: 'a', password: 'b' }, basic(client.id, client.secret)),
        400,
        'unsupported_grant_type',
      );
    }
  });

  it('unauthorized_client: the first party (public) cannot use client credentials', async () => {
    oauthError(
      await postForm(h, TOKEN, { grant_type: 'client_credentials', client_id: 'bulwark' }),
      400,
      'unauthorized_client',
    );
  });

  it('a client token reads payroll (masked bank accounts) and cannot write; admin routes refuse it', async () => {
    await h.addUser('admin1', 'admin', 'admin1-Correct-Horse-42');
    const admin = await h.login('admin1', 'admin1-Correct-Horse-42');
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/employees',
      headers: bearer(admin.access_token),
      payload: employeeBody({ bank_account: 'GB82WEST12345698765432' }),
    });
    assert.equal(created.statusCode, 201, created.body);
    const token = (
      await postForm(
        h,
        TOKEN,
        { grant_type: 'client_credentials', scope: 'payroll:read' },
        basic(client.id, client.secret),
      )
    ).json().access_token as string;
    const employees = await h.app.inject({ url: '/api/employees', headers: bearer(token) });
    assert.equal(employees.statusCode, 200, employees.body);
    const items = employees.json<{ items: Array<{ id: string; bank_account: string }> }>().items;
    assert.deepEqual(
      items.map((e) => e.id),
      [created.json().id],
    );
    assert.equal(
      items[0]?.bank_account,
      'GB** **** **** **** **54 32',
      'a machine reads bank accounts masked, like a clerk',
    );
    assert.equal(
      (await h.app.inject({ url: `/api/employees/${created.json().id}`, headers: bearer(token) })).statusCode,
      200,
    );
    assert.equal((await h.app.inject({ url: '/api/payments', headers: bearer(token) })).statusCode, 200);
    const write = await h.app.inject({ method: 'POST', url: '/api/employees', headers: bearer(token), payload: {} });
    assert.equal(write.statusCode, 403);
    assert.equal(write.json().code, 'forbidden');
    assert.equal((await h.app.inject({ url: '/api/clients', headers: bearer(token) })).statusCode, 403);
    const narrow = (
      await postForm(
        h,
        TOKEN,
        { grant_type: 'client_credentials', scope: 'inventory:read' },
        basic(client.id, client.secret),
      )
    ).json().access_token as string;
    // Without payroll:read the token is for the inventory API: payroll refuses its audience.
    assert.equal(decodeJwt(narrow).claims.aud, 'https://inventory.example');
    assert.equal((await h.app.inject({ url: '/api/employees', headers: bearer(narrow) })).statusCode, 401);
  });

  it('rotating the secret refuses the old one and revokes the tokens it got; disabling revokes too', async () => {
    const mine = await addClient(h);
    const before = (await postForm(h, TOKEN, { grant_type: 'client_credentials' }, basic(mine.id, mine.secret))).json()
      .access_token as string;
    h.clock.advance(1);
    const { secret } = await h.services.clients.rotateSecret(mine.id, null);
    assert.throws(() => h.services.verifier.verify(before), { code: 'invalid_token' });
    oauthError(
      await postForm(h, TOKEN, { grant_type: 'client_credentials' }, basic(mine.id, mine.secret)),
      401,
      'invalid_client',
    );
    h.clock.advance(1);
    const fresh = (
      await postForm(h, TOKEN, { grant_type: 'client_credentials' }, basic(mine.id, secret as string))
    ).json().access_token as string;
    assert.equal(h.services.verifier.verify(fresh).sub, mine.id);
    h.clock.advance(1);
    await h.services.clients.setDisabled(mine.id, true, null);
    assert.throws(() => h.services.verifier.verify(fresh), { code: 'invalid_token' });
  });

  it("a rotation in the very second of a token: the old secret's token is refused, the new secret's accepted (by sid, no clock)", async () => {
    const mine = await addClient(h);
    const old = (await postForm(h, TOKEN, { grant_type: 'client_credentials' }, basic(mine.id, mine.secret))).json()
      .access_token as string;
    const { secret } = await h.services.clients.rotateSecret(mine.id, null);
    const fresh = (
      await postForm(h, TOKEN, { grant_type: 'client_credentials' }, basic(mine.id, secret as string))
    ).json().access_token as string;
    assert.throws(() => h.services.verifier.verify(old), { code: 'invalid_token' });
    assert.equal(h.services.verifier.verify(fresh).sub, mine.id);
    assert.notEqual(h.services.verifier.verify(fresh).sid, undefined);
  });

  it('disabling revokes a token the client got in that very second (iat has whole seconds)', async () => {
    const mine = await addClient(h);
    const token = (await postForm(h, TOKEN, { grant_type: 'client_credentials' }, basic(mine.id, mine.secret))).json()
      .access_token as string;
    assert.equal(h.services.verifier.verify(token).sub, mine.id);
    await h.services.clients.setDisabled(mine.id, true, null);
    assert.throws(() => h.services.verifier.verify(token), { code: 'invalid_token' });
  });
});

describe('POST /oauth/token: refresh_token for the first party (public client bulwark)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    await h.addUser('alice', 'admin', 'alice-Correct-Horse-42');
  });
  after(() => h.close());

  it('rotates like /api/users-sessions/refresh and answers RFC 6749 JSON (200, scope, refresh_token)', async () => {
    const login = await h.login('alice', 'alice-Correct-Horse-42');
    const response = await postForm(h, TOKEN, {
      grant_type: 'refresh_token',
      refresh_token: login.refresh_token,
      client_id: 'bulwark',
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json<Record<string, unknown>>();
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.scope, 'profile payroll:read payroll:write admin');
    assert.notEqual(body.refresh_token, login.refresh_token);
    assert.equal(response.headers['set-cookie'], undefined, 'no cookie from the machine endpoint');
    // Without client_id too (a public client need not authenticate), and a narrower scope is accepted.
    const again = await postForm(h, TOKEN, {
      grant_type: 'refresh_token',
      refresh_token: body.refresh_token as string,
      scope: 'profile',
    });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().scope, 'profile', 'a narrower scope narrows the token (contract §15.5)');
    assert.equal(decodeJwt(again.json().access_token).claims.scope, 'profile');
  });

  it('invalid_grant (400) for unknown, malformed and reused tokens; invalid_scope beyond the grant; a confidential client may not use it', async () => {
    const login = await h.login('alice', 'alice-Correct-Horse-42');
    oauthError(
      await postForm(h, TOKEN, { grant_type: 'refresh_token', refresh_token: `brt_${'A'.repeat(43)}` }),
      400,
      'invalid_grant',
    );
    oauthError(await postForm(h, TOKEN, { grant_type: 'refresh_token', refresh_token: 'nope' }), 400, 'invalid_grant');
    oauthError(
      await postForm(h, TOKEN, {
        grant_type: 'refresh_token',
        refresh_token: login.refresh_token,
        scope: 'profile superuser',
      }),
      400,
      'invalid_scope',
    );
    const client = await addClient(h);
    oauthError(
      await postForm(
        h,
        TOKEN,
        { grant_type: 'refresh_token', refresh_token: login.refresh_token },
        basic(client.id, client.secret),
      ),
      400,
      'invalid_grant',
    );
    oauthError(await postForm(h, TOKEN, { grant_type: 'refresh_token' }), 400, 'invalid_request');
    // The token survived the refusals above: the first use rotates it.
    assert.equal(
      (await postForm(h, TOKEN, { grant_type: 'refresh_token', refresh_token: login.refresh_token })).statusCode,
      200,
    );
    h.clock.advance(h.config.refreshReuseWindowSeconds + 1);
    oauthError(
      await postForm(h, TOKEN, { grant_type: 'refresh_token', refresh_token: login.refresh_token }),
      400,
      'invalid_grant',
    );
  });
});

describe('POST /oauth/token: failed client authentication is throttled per client + IP', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness(
      {},
      {
        throttle: {
          policy: {
            failuresPerUserIp: 3,
            failuresPerIpPerDay: 1_000,
            attemptsPerIpPerSecond: 1_000,
            refreshPerIpPerMinute: 1_000,
            writesPerUserPerMinute: 1_000,
          },
        },
      },
    );
  });
  after(() => h.close());

  it('after 3 failures: 429 temporarily_unavailable with Retry-After, even with the right secret; audited', async () => {
    const client = await addClient(h);
    for (let i = 0; i < 3; i++)
      oauthError(
        await postForm(h, TOKEN, { grant_type: 'client_credentials' }, basic(client.id, 'bcs_wrong')),
        401,
        'invalid_client',
      );
    const blocked = await postForm(h, TOKEN, { grant_type: 'client_credentials' }, basic(client.id, client.secret));
    oauthError(blocked, 429, 'temporarily_unavailable');
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    const [event] = (await h.store.audit.list({ type: 'oauth.throttled' }, { limit: 10 })).items;
    assert.equal(event?.targetId, client.id);
    // Another client from the same address is not blocked by this one's failures.
    const other = await addClient(h);
    assert.equal(
      (await postForm(h, TOKEN, { grant_type: 'client_credentials' }, basic(other.id, other.secret))).statusCode,
      200,
    );
  });
});
