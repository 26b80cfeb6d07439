import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHarness, ISSUER, type Harness } from '../helpers/harness.js';

describe('JWKS and discovery metadata', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ BULWARK_JWKS_MAX_AGE: '120' });
  });
  after(() => h.close());

  it('publishes the public key only, with Cache-Control from config', async () => {
    const response = await h.app.inject({ url: '/.well-known/jwks.json' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/jwk-set\+json/);
    assert.match(String(response.headers['cache-control']), /max-age=120/);
    const { keys } = response.json();
    assert.equal(keys.length, 1);
    const [key] = keys;
    assert.equal(key.kty, 'EC');
    assert.equal(key.crv, 'P-256');
    assert.equal(key.alg, 'ES256');
    assert.equal(key.use, 'sig');
    assert.equal(key.kid, h.services.keys.signingKey().kid);
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.ok(!(secret in key), `JWKS leaks ${secret}`);
  });

  it('/.well-known/oauth-authorization-server describes the issuer truthfully (RFC 8414)', async () => {
    const response = await h.app.inject({ url: '/.well-known/oauth-authorization-server' });
    assert.equal(response.statusCode, 200);
    const metadata = response.json();
    assert.equal(metadata.issuer, ISSUER);
    assert.equal(metadata.jwks_uri, `${ISSUER}/.well-known/jwks.json`);
    assert.equal(metadata.token_endpoint, `${ISSUER}/oauth/token`);
    assert.deepEqual(metadata.grant_types_supported, ['client_credentials', 'refresh_token']);
    // Nothing that does not exist: no password or implicit grant, no ID token, no authorization endpoint.
    for (const absent of [
      'authorization_endpoint',
      'response_types_supported',
      'id_token_signing_alg_values_supported',
      'userinfo_endpoint',
      'subject_types_supported',
    ]) {
      assert.equal(metadata[absent], undefined, absent);
    }
  });

  it('/.well-known/openid-configuration is not served: Bulwark is no OpenID Provider (no ID token, no userinfo)', async () => {
    const response = await h.app.inject({ url: '/.well-known/openid-configuration' });
    assert.equal(response.statusCode, 404);
  });

  it('health and readiness answer', async () => {
    assert.deepEqual((await h.app.inject({ url: '/healthz' })).json(), { status: 'ok' });
    const ready = await h.app.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json().database, 'ok');
  });
});
