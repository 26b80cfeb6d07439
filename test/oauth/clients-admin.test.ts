import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { bearer, createHarness, problemOf, type Harness } from '../helpers/harness.js';

describe('/api/clients: OAuth 2 client administration (admins only, audited, the secret once)', () => {
  let h: Harness;
  let admin: string;
  let clerk: string;
  before(async () => {
    h = await createHarness();
    await h.addUser('root', 'admin', 'root-Correct-Horse-42');
    await h.addUser('bob', 'clerk', 'bob-Correct-Horse-42');
    admin = (await h.login('root', 'root-Correct-Horse-42')).access_token;
    clerk = (await h.login('bob', 'bob-Correct-Horse-42')).access_token;
  });
  after(() => h.close());

  const create = (payload: Record<string, unknown>, token = admin) =>
    h.app.inject({ method: 'POST', url: '/api/clients', headers: bearer(token), payload });

  it('creates a secret client: 201 with client_id and a 256-bit secret shown once, stored only hashed', async () => {
    const response = await create({ name: 'nightly report', scope: 'payroll:read', introspection: true });
    assert.equal(response.statusCode, 201, response.body);
    const body = response.json<Record<string, unknown>>();
    assert.match(String(body.client_id), /^bcl_[A-Za-z0-9_-]{22}$/);
    assert.match(String(body.client_secret), /^bcs_[A-Za-z0-9_-]{43}$/);
    assert.equal(body.auth_method, 'client_secret');
    assert.equal(body.scope, 'payroll:read');
    assert.deepEqual(body.audiences, [h.config.audience]);
    assert.equal(body.introspection, true);
    const stored = await h.store.clients.findById(String(body.client_id));
    assert.ok(stored?.secretHash !== null && stored?.secretHash !== body.client_secret);
    const list = await h.app.inject({ url: '/api/clients', headers: bearer(admin) });
    assert.equal(list.statusCode, 200);
    assert.ok(!list.body.includes(String(body.client_secret).slice(4)), 'never listed again');
    assert.ok(list.json().items.some((c: { client_id: string }) => c.client_id === body.client_id));
    const [event] = (await h.store.audit.list({ type: 'client.created' }, { limit: 10 })).items;
    assert.equal(event?.targetId, body.client_id);
    assert.ok(!JSON.stringify(event).includes(String(body.client_secret).slice(4)), 'no secret in the audit log');
  });

  it('creates a key client (private_key_jwt) from a public JWKS: no secret; rotate-secret is 409', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' };
    const response = await create({ name: 'signer', scope: 'payroll:read', jwks: { keys: [jwk] } });
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.json().auth_method, 'private_key_jwt');
    assert.equal(response.json().client_secret, undefined);
    const rotate = await h.app.inject({
      method: 'POST',
      url: `/api/clients/${response.json().client_id}/rotate-secret`,
      headers: bearer(admin),
    });
    assert.equal(problemOf(rotate).code, 'conflict');
  });

  it('refuses user-only scopes, bad audiences, private or alg-less keys, and a JWKS with a URI (400)', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const cases: Array<Record<string, unknown>> = [
      { name: 'x', scope: 'payroll:write' },
      { name: 'x', scope: 'admin payroll:read' },
      { name: 'x', scope: 'payroll:read', audiences: ['not-a-uri'] },
      { name: 'x', scope: 'payroll:read', audiences: ['https://api.example/#frag'] },
      {
        name: 'x',
        scope: 'payroll:read',
        jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), alg: 'ES256', kid: 'p' }] },
      },
      { name: 'x', scope: 'payroll:read', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA', kid: 'n' }] } },
      { name: 'x', scope: 'payroll:read', jwks_uri: 'http://keys.example/jwks.json' },
      { name: 'x', scope: 'payroll:read', jwks_uri: 'https://keys.example/jwks.json', jwks: { keys: [{}] } },
    ];
    for (const payload of cases) {
      const response = await create(payload);
      assert.equal(response.statusCode, 400, `${JSON.stringify(payload).slice(0, 80)}: ${response.body}`);
      assert.equal(problemOf(response).code, 'invalid_request');
    }
  });

  it('disables (PATCH) and rotates the secret (POST rotate-secret), each audited', async () => {
    const created = (await create({ name: 'job', scope: 'payroll:read' })).json<{
      client_id: string;
      client_secret: string;
    }>();
    const disabled = await h.app.inject({
      method: 'PATCH',
      url: `/api/clients/${created.client_id}`,
      headers: bearer(admin),
      payload: { disabled: true },
    });
    assert.equal(disabled.statusCode, 200);
    assert.equal(disabled.json().disabled, true);
    const rotated = await h.app.inject({
      method: 'POST',
      url: `/api/clients/${created.client_id}/rotate-secret`,
      headers: bearer(admin),
    });
    assert.equal(rotated.statusCode, 200);
    assert.match(rotated.json().client_secret, /^bcs_/);
    assert.notEqual(rotated.json().client_secret, created.client_secret);
    const types = (await h.store.audit.list({ actorId: undefined }, { limit: 50 })).items
      .filter((e) => e.targetId === created.client_id)
      .map((e) => e.type);
    assert.deepEqual(types.sort(), ['client.created', 'client.secret_rotated', 'client.updated']);
    assert.equal(
      (
        await h.app.inject({
          method: 'PATCH',
          url: '/api/clients/bcl_nope',
          headers: bearer(admin),
          payload: { disabled: true },
        })
      ).statusCode,
      404,
    );
  });

  it('a clerk gets 403 on every client route; no token, 401', async () => {
    assert.equal((await h.app.inject({ url: '/api/clients', headers: bearer(clerk) })).statusCode, 403);
    assert.equal((await create({ name: 'x', scope: 'payroll:read' }, clerk)).statusCode, 403);
    assert.equal((await h.app.inject({ url: '/api/clients' })).statusCode, 401);
  });
});
