import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, createHarness, type Harness } from '../helpers/harness.js';
import { addClient, basic, oauthError, postForm } from './support.js';

describe('POST /oauth/introspect (RFC 7662) and POST /oauth/revoke (RFC 7009)', () => {
  let h: Harness;
  let rs: { id: string; secret: string };
  let job: { id: string; secret: string };
  before(async () => {
    h = await createHarness();
    rs = await addClient(h, { name: 'resource server', introspection: true });
    job = await addClient(h, { name: 'job' });
    await h.addUser('alice', 'clerk', 'alice-Correct-Horse-42');
  });
  after(() => h.close());

  const tokenFor = async (client: { id: string; secret: string }) =>
    (await postForm(h, '/oauth/token', { grant_type: 'client_credentials' }, basic(client.id, client.secret))).json()
      .access_token as string;
  const introspect = (token: string, as = rs) => postForm(h, '/oauth/introspect', { token }, basic(as.id, as.secret));

  it('describes a live client token: active, scope, client_id, sub, aud, iss, exp, iat, jti; no-store', async () => {
    const token = await tokenFor(job);
    const response = await introspect(token);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['cache-control'], 'no-store');
    const body = response.json<Record<string, unknown>>();
    assert.equal(body.active, true);
    assert.equal(body.client_id, job.id);
    assert.equal(body.sub, job.id);
    assert.equal(body.scope, 'payroll:read');
    assert.equal(body.aud, 'payroll');
    assert.equal(body.token_type, 'Bearer');
    for (const claim of ['iss', 'exp', 'iat', 'jti']) assert.ok(claim in body, claim);
    assert.equal(body.username, undefined, 'never the username');
  });

  it("describes users' access and refresh tokens without their username", async () => {
    const login = await h.login('alice', 'alice-Correct-Horse-42');
    const access = (await introspect(login.access_token)).json<Record<string, unknown>>();
    assert.equal(access.active, true);
    assert.equal(access.client_id, 'bulwark');
    assert.equal(access.scope, 'profile payroll:read');
    const refresh = (await introspect(login.refresh_token)).json<Record<string, unknown>>();
    assert.equal(refresh.active, true);
    assert.equal(refresh.client_id, 'bulwark');
    assert.ok(!JSON.stringify([access, refresh]).includes('alice'));
  });

  it('answers only {"active":false} for expired, revoked, unknown, malformed and used tokens', async () => {
    const expired = await tokenFor(job);
    const login = await h.login('alice', 'alice-Correct-Horse-42');
    await postForm(h, '/oauth/token', { grant_type: 'refresh_token', refresh_token: login.refresh_token });
    const inactive = ['garbage', 'a.b.c', `brt_${'A'.repeat(43)}`, login.refresh_token];
    for (const token of inactive)
      assert.deepEqual((await introspect(token)).json(), { active: false }, token.slice(0, 12));
    h.clock.advance(h.config.accessTokenTtlSeconds + h.config.clockSkewSeconds + 1);
    assert.deepEqual((await introspect(expired)).json(), { active: false });
  });

  it('refuses callers not registered for introspection (400 unauthorized_client) and unauthenticated ones (401)', async () => {
    const token = await tokenFor(job);
    oauthError(await introspect(token, job), 400, 'unauthorized_client');
    oauthError(await postForm(h, '/oauth/introspect', { token }), 401, 'invalid_client');
    oauthError(await postForm(h, '/oauth/introspect', { token }, basic(rs.id, 'bcs_wrong')), 401, 'invalid_client');
    oauthError(await postForm(h, '/oauth/introspect', {}, basic(rs.id, rs.secret)), 400, 'invalid_request');
  });

  it("revokes a client's access token by jti: 200, then introspection and the API refuse it", async () => {
    const token = await tokenFor(job);
    assert.equal((await h.app.inject({ url: '/api/employees', headers: bearer(token) })).statusCode, 200);
    const response = await postForm(
      h,
      '/oauth/revoke',
      { token, token_type_hint: 'access_token' },
      basic(job.id, job.secret),
    );
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, '');
    assert.deepEqual((await introspect(token)).json(), { active: false });
    assert.equal((await h.app.inject({ url: '/api/employees', headers: bearer(token) })).statusCode, 401);
    // Unknown and already revoked tokens: 200 as well (§2.2).
    assert.equal((await postForm(h, '/oauth/revoke', { token }, basic(job.id, job.secret))).statusCode, 200);
    assert.equal(
      (await postForm(h, '/oauth/revoke', { token: 'nothing-we-issued' }, basic(job.id, job.secret))).statusCode,
      200,
    );
  });

  it('a token introspected before (kept verified, its client kept in memory) turns inactive the moment it is revoked, its client disabled, or it expires', async () => {
    const other = await addClient(h, { name: 'other job' });
    const revoked = await tokenFor(other);
    const disabled = await tokenFor(other);
    for (const token of [revoked, disabled]) assert.equal((await introspect(token)).json().active, true);
    assert.equal(
      (await postForm(h, '/oauth/revoke', { token: revoked }, basic(other.id, other.secret))).statusCode,
      200,
    );
    assert.deepEqual((await introspect(revoked)).json(), { active: false });
    assert.equal((await introspect(disabled)).json().active, true);
    await h.services.clients.setDisabled(other.id, true, null);
    assert.deepEqual((await introspect(disabled)).json(), { active: false });

    const expiring = await tokenFor(job);
    assert.equal((await introspect(expiring)).json().active, true);
    h.clock.advance(h.config.accessTokenTtlSeconds + h.config.clockSkewSeconds + 1);
    assert.deepEqual((await introspect(expiring)).json(), { active: false });

    // The introspecting client itself: disabled, it is refused at once.
    const probe = await addClient(h, { name: 'probe', introspection: true });
    const live = await tokenFor(job);
    assert.equal((await introspect(live, probe)).statusCode, 200);
    await h.services.clients.setDisabled(probe.id, true, null);
    oauthError(await introspect(live, probe), 401, 'invalid_client');
  });

  it("refuses to revoke another client's token (400 unauthorized_client); it stays active", async () => {
    const token = await tokenFor(job);
    oauthError(await postForm(h, '/oauth/revoke', { token }, basic(rs.id, rs.secret)), 400, 'unauthorized_client');
    assert.equal((await introspect(token)).json().active, true);
  });

  it('the first party revokes a refresh token (client_id=bulwark, no secret): the whole session ends', async () => {
    const login = await h.login('alice', 'alice-Correct-Horse-42');
    const response = await postForm(h, '/oauth/revoke', {
      token: login.refresh_token,
      token_type_hint: 'refresh_token',
      client_id: 'bulwark',
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual((await introspect(login.refresh_token)).json(), { active: false });
    assert.deepEqual((await introspect(login.access_token)).json(), { active: false });
    assert.equal((await h.app.inject({ url: '/api/users/me', headers: bearer(login.access_token) })).statusCode, 401);
    oauthError(await postForm(h, '/oauth/revoke', { token: login.refresh_token }), 401, 'invalid_client');
  });
});
