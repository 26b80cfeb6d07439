import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROBLEM_CODE } from '@bulwark/contract/registry';
import { bearer, createHarness, problemOf, type Harness } from '../helpers/harness.js';
import { newAuthenticator, registerPasskey, signInWith } from './helpers.js';

describe("admins and a user's passkeys: list, remove one, and the MFA reset removes them all", () => {
  let h: Harness;
  let adminToken: string;
  let adminId: string;
  let carol: { id: string; username: string; password: string };
  before(async () => {
    h = await createHarness();
    const admin = await h.addUser('alice', 'admin');
    adminId = admin.id;
    adminToken = (await h.login('alice', admin.password)).access_token;
    carol = await h.addUser('carol', 'clerk');
  });
  after(() => h.close());

  const listOf = (userId: string, token = adminToken) =>
    h.app.inject({ method: 'GET', url: `/api/users/${userId}/passkeys`, headers: bearer(token) });
  const lastAudit = async (type: string) => (await h.store.audit.list({ type }, { limit: 1 })).items[0];

  it('lists names and dates (no key material); removes one, audited; others are 404 or 403', async () => {
    const carolToken = (await h.login('carol', carol.password)).access_token;
    const laptop = newAuthenticator();
    const phone = newAuthenticator();
    const first = await registerPasskey(h, carolToken, laptop, 'Laptop');
    h.clock.advance(1);
    await signInWith(h, laptop);
    await registerPasskey(h, carolToken, phone, 'Phone');

    const listed = await listOf(carol.id);
    assert.equal(listed.statusCode, 200, listed.body);
    const items = listed.json<{ items: Array<Record<string, unknown>> }>().items;
    assert.deepEqual(
      items.map((p) => p.name),
      ['Laptop', 'Phone'],
    );
    assert.equal(typeof items[0]?.created_at, 'string');
    assert.equal(typeof items[0]?.last_used_at, 'string', 'the sign-in is shown');
    assert.equal(items[1]?.last_used_at, null);
    assert.ok(
      items.every((p) => !('public_key' in p) && !('publicKey' in p) && !('counter' in p)),
      'no key material',
    );

    assert.equal(problemOf(await listOf(carol.id, carolToken)).code, PROBLEM_CODE.forbidden);
    assert.equal(problemOf(await listOf('no-such-user')).code, PROBLEM_CODE.not_found);
    assert.equal(
      problemOf(
        await h.app.inject({
          method: 'DELETE',
          url: `/api/users/${carol.id}/passkeys/${first.id}`,
          headers: bearer(carolToken),
        }),
      ).code,
      PROBLEM_CODE.forbidden,
    );
    assert.equal(
      problemOf(
        await h.app.inject({
          method: 'DELETE',
          url: `/api/users/${adminId}/passkeys/${first.id}`,
          headers: bearer(adminToken),
        }),
      ).code,
      PROBLEM_CODE.not_found,
      "not that user's",
    );

    const removed = await h.app.inject({
      method: 'DELETE',
      url: `/api/users/${carol.id}/passkeys/${first.id}`,
      headers: bearer(adminToken),
    });
    assert.equal(removed.statusCode, 204, removed.body);
    assert.deepEqual(
      (await listOf(carol.id)).json<{ items: Array<{ name: string }> }>().items.map((p) => p.name),
      ['Phone'],
    );
    assert.equal((await signInWith(h, laptop)).statusCode, 401, 'the removed passkey signs in no more');
    assert.equal((await signInWith(h, phone)).statusCode, 201, 'the other still does');
    const event = await lastAudit('passkey.removed');
    assert.deepEqual([event?.actorId, event?.targetId, event?.details], [adminId, carol.id, { by_admin: true }]);
    assert.equal(
      problemOf(
        await h.app.inject({
          method: 'DELETE',
          url: `/api/users/${carol.id}/passkeys/${first.id}`,
          headers: bearer(adminToken),
        }),
      ).code,
      PROBLEM_CODE.not_found,
      'already gone',
    );
  });

  it('the admin MFA reset removes every passkey with the authenticator, audited with the count', async () => {
    const dave = await h.addUser('dave', 'employee');
    const daveToken = (await h.login('dave', dave.password)).access_token;
    const keys = [newAuthenticator(), newAuthenticator()];
    await registerPasskey(h, daveToken, keys[0]!, 'One');
    await registerPasskey(h, daveToken, keys[1]!, 'Two');
    const reset = await h.app.inject({
      method: 'DELETE',
      url: `/api/users/${dave.id}/mfa`,
      headers: bearer(adminToken),
    });
    assert.equal(reset.statusCode, 204, reset.body);
    assert.deepEqual((await listOf(dave.id)).json<{ items: unknown[] }>().items, []);
    for (const key of keys) assert.equal((await signInWith(h, key)).statusCode, 401);
    const event = await lastAudit('mfa.reset');
    assert.deepEqual(
      [event?.actorId, event?.targetId, event?.details],
      [adminId, dave.id, { was_enrolled: false, passkeys_removed: 2 }],
    );
    assert.equal(
      (
        await h.app.inject({
          method: 'POST',
          url: '/api/users-sessions',
          payload: { username: 'dave', password: dave.password },
        })
      ).statusCode,
      201,
      'the password alone signs in',
    );
  });
});
