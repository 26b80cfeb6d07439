// test-runner: serial (bounds SET delivery latency)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { bearer, createHarness, problemOf, type Harness } from '../helpers/harness.js';
import { addReceiver, clientToken } from './helpers.js';

const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
const CREDENTIAL_CHANGE = 'https://schemas.openid.net/secevent/caep/event-type/credential-change';
const TOKEN_REVOKED = 'urn:bulwark:secevent:token-revoked';

interface PollAnswer {
  sets: Record<string, string>;
  moreAvailable: boolean;
}

describe('SET feed (RFC 8936 poll, OpenID SSF)', () => {
  let h: Harness;
  let receiver: { id: string; token: string };
  let streamUrl: string;
  before(async () => {
    h = await createHarness({}, {});
    receiver = await addReceiver(h);
    const created = await h.app.inject({
      method: 'POST',
      url: '/ssf/streams',
      headers: bearer(receiver.token),
      payload: { delivery: { method: 'urn:ietf:rfc:8936' } },
    });
    assert.equal(created.statusCode, 201, created.body);
    streamUrl = new URL(created.json<{ delivery: { endpoint_url: string } }>().delivery.endpoint_url).pathname;
  });
  after(() => h.close());

  const poll = async (body: Record<string, unknown> = { returnImmediately: true }) => {
    const response = await h.app.inject({
      method: 'POST',
      url: streamUrl,
      headers: bearer(receiver.token),
      payload: body,
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.json<PollAnswer>();
  };
  const verifySet = async (set: string) => {
    const jwks = createLocalJWKSet(h.services.keys.jwks() as Parameters<typeof createLocalJWKSet>[0]);
    const { payload, protectedHeader } = await jwtVerify(set, jwks, {
      issuer: h.config.issuer,
      audience: receiver.id,
      typ: 'secevent+jwt',
      currentDate: new Date(h.clock.now()),
    });
    return { payload, protectedHeader };
  };
  const drain = async () => {
    const answer = await poll();
    await poll({ ack: Object.keys(answer.sets), returnImmediately: true });
    return answer;
  };

  it('describes itself truthfully at /.well-known/ssf-configuration', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/.well-known/ssf-configuration' });
    assert.equal(response.statusCode, 200);
    const doc = response.json<Record<string, unknown>>();
    assert.equal(doc.issuer, h.config.issuer);
    assert.equal(doc.jwks_uri, `${h.config.issuer}/.well-known/jwks.json`);
    assert.deepEqual(doc.delivery_methods_supported, ['urn:ietf:rfc:8936']);
    assert.equal(doc.configuration_endpoint, `${h.config.issuer}/ssf/streams`);
    const listed = await h.app.inject({ method: 'GET', url: '/ssf/streams', headers: bearer(receiver.token) });
    assert.equal(listed.statusCode, 200);
    assert.equal(listed.json<unknown[]>().length, 1);
  });

  it('refuses readers that are not clients allowed to read', async () => {
    assert.equal(problemOf(await h.app.inject({ method: 'POST', url: streamUrl, payload: {} })).code, 'invalid_token');
    const user = await h.addUser('ssf-reader', 'admin');
    const login = await h.login(user.username, user.password);
    const asUser = await h.app.inject({
      method: 'POST',
      url: '/ssf/streams',
      headers: bearer(login.access_token),
      payload: {},
    });
    assert.equal(asUser.statusCode, 403);
    const unscoped = await addReceiver(h, 'payroll:read');
    assert.equal(
      (await h.app.inject({ method: 'POST', url: '/ssf/streams', headers: bearer(unscoped.token), payload: {} }))
        .statusCode,
      403,
    );
    const other = await addReceiver(h);
    const foreign = await h.app.inject({ method: 'POST', url: streamUrl, headers: bearer(other.token), payload: {} });
    assert.equal(problemOf(foreign).code, 'not_found');
    const disabled = await addReceiver(h, 'ssf:poll', { disabled: true });
    assert.equal(
      problemOf(
        await h.app.inject({ method: 'POST', url: '/ssf/streams', headers: bearer(disabled.token), payload: {} }),
      ).code,
      'invalid_token',
    );
    const push = await h.app.inject({
      method: 'POST',
      url: '/ssf/streams',
      headers: bearer(receiver.token),
      payload: { delivery: { method: 'urn:ietf:rfc:8935' } },
    });
    assert.equal(problemOf(push).code, 'invalid_request');
  });

  it('publishes a logout as a signed CAEP session-revoked SET and a token-revoked SET, until acknowledged', async () => {
    await drain();
    const user = await h.addUser('ssf-logout', 'clerk');
    const login = await h.login(user.username, user.password);
    assert.equal(
      (
        await h.app.inject({
          method: 'DELETE',
          url: '/api/users-sessions/current',
          headers: bearer(login.access_token),
        })
      ).statusCode,
      204,
    );
    const answer = await poll();
    const sets = await Promise.all(Object.values(answer.sets).map(verifySet));
    assert.equal(sets.length, 2);
    const session = sets.find((s) => SESSION_REVOKED in (s.payload.events as object));
    const token = sets.find((s) => TOKEN_REVOKED in (s.payload.events as object));
    assert.deepEqual(session?.payload.sub_id, {
      format: 'complex',
      session: { format: 'opaque', id: login.session_id },
    });
    const event = (session?.payload.events as Record<string, Record<string, unknown>>)[SESSION_REVOKED];
    assert.equal(event?.initiating_entity, 'user');
    assert.equal(event?.event_timestamp, Math.floor(h.clock.now() / 1000));
    assert.equal(
      event?.max_token_exp,
      Math.ceil(h.clock.now() / 1000) + h.config.accessTokenTtlSeconds + 2 * h.config.clockSkewSeconds,
      'kept as long as a token of the session could live: issued up to the skew ahead, accepted up to the skew behind',
    );
    assert.equal((token?.payload.sub_id as Record<string, unknown>).format, 'jwt_id');
    for (const { payload } of sets) assert.ok(!JSON.stringify(payload).includes(user.username), 'no username in a SET');
    assert.deepEqual(
      Object.keys((await poll()).sets).sort(),
      Object.keys(answer.sets).sort(),
      'unacknowledged SETs come again',
    );
    assert.deepEqual((await poll({ ack: Object.keys(answer.sets), returnImmediately: true })).sets, {});
  });

  it('publishes a user cut-off and a password change', async () => {
    await drain();
    const user = await h.addUser('ssf-demoted', 'clerk');
    const admin = await h.addUser('ssf-admin', 'admin');
    const adminLogin = await h.login(admin.username, admin.password);
    await h.login(user.username, user.password);
    const patch = await h.app.inject({
      method: 'PATCH',
      url: `/api/users/${user.id}`,
      headers: bearer(adminLogin.access_token),
      payload: { role: 'employee' },
    });
    assert.equal(patch.statusCode, 200, patch.body);
    const payloads = (await Promise.all(Object.values((await drain()).sets).map(verifySet))).map((s) => s.payload);
    const cutOff = payloads.find(
      (p) => (p.sub_id as Record<string, unknown>).format === 'complex' && 'user' in (p.sub_id as object),
    );
    assert.deepEqual(cutOff?.sub_id, {
      format: 'complex',
      user: { format: 'iss_sub', iss: h.config.issuer, sub: user.id },
    });
    assert.ok(
      payloads.some((p) => JSON.stringify(p.sub_id).includes('session')),
      'each ended session too',
    );

    const login = await h.login(admin.username, admin.password);
    const change = await h.app.inject({
      method: 'PUT',
      url: '/api/users/me/password',
      headers: bearer(login.access_token),
      payload: { current_password: admin.password, new_password: 'A-new-Correct-Horse-99' },
    });
    assert.equal(change.statusCode, 204, change.body);
    const changed = (await Promise.all(Object.values((await drain()).sets).map(verifySet))).map((s) => s.payload);
    const credential = changed.find((p) => CREDENTIAL_CHANGE in (p.events as object));
    assert.deepEqual(credential?.sub_id, { format: 'iss_sub', iss: h.config.issuer, sub: admin.id });
  });

  it('holds a poll open until a revocation arrives (long polling), then answers at once', async () => {
    await drain();
    const user = await h.addUser('ssf-long', 'clerk');
    const login = await h.login(user.username, user.password);
    const started = performance.now();
    const held = poll({ maxEvents: 10 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const revokedAt = performance.now();
    await h.services.sessions.revokeSession(login.session_id, 'admin');
    const answer = await held;
    const latency = performance.now() - revokedAt;
    assert.equal(Object.keys(answer.sets).length, 1);
    assert.ok(performance.now() - started >= 300, 'the poll was held');
    assert.ok(latency < 200, `answered ${latency.toFixed(0)} ms after the revocation`);
    await poll({ ack: Object.keys(answer.sets), returnImmediately: true });
  });

  it('pages with maxEvents and moreAvailable, and keeps unacknowledged SETs across a restart', async () => {
    await drain();
    for (const jti of ['a', 'b', 'c'])
      await h.services.revocations.revokeToken(`jti-${jti}`, Math.floor(h.clock.now() / 1000) + 60);
    const first = await poll({ maxEvents: 2, returnImmediately: true });
    assert.equal(Object.keys(first.sets).length, 2);
    assert.equal(first.moreAvailable, true);
    await h.restart();
    receiver.token = clientToken(h, receiver.id, 'ssf:poll');
    const again = await poll({ ack: Object.keys(first.sets), maxEvents: 10, returnImmediately: true });
    assert.equal(Object.keys(again.sets).length, 1);
    assert.equal(again.moreAvailable, false);
    assert.equal((await poll({ maxEvents: 0, ack: Object.keys(again.sets) })).moreAvailable, false);
  });

  it('deletes a stream', async () => {
    const id = streamUrl.split('/').pop() as string;
    assert.equal(
      (await h.app.inject({ method: 'DELETE', url: `/ssf/streams?stream_id=${id}`, headers: bearer(receiver.token) }))
        .statusCode,
      204,
    );
    assert.equal(
      problemOf(await h.app.inject({ method: 'POST', url: streamUrl, headers: bearer(receiver.token), payload: {} }))
        .code,
      'not_found',
    );
  });
});
