import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { bearer, createHarness, decodeJwt, ISSUER, type Harness } from '../helpers/harness.js';
import { basic, postForm } from './support.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A private_key_jwt client (RFC 7523) with one key of `alg`, and a signer of its assertions. */
async function keyClient(h: Harness, alg: string, introspection = false) {
  const { publicKey, privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg.startsWith('RS') || alg.startsWith('PS') ? { modulusLength: 2048 } : {}),
  });
  const jwk = { ...(await exportJWK(publicKey)), kid: `k-${alg}`, alg, use: 'sig' };
  const { client } = await h.services.clients.create(
    { name: `signer ${alg}`, scope: 'payroll:read', introspection, jwks: { keys: [jwk] } },
    null,
  );
  const assertion = (audience: string = ISSUER, overrides: { jti?: string; exp?: number } = {}) =>
    new SignJWT({})
      .setProtectedHeader({ alg, kid: jwk.kid })
      .setIssuer(client.id)
      .setSubject(client.id)
      .setAudience(audience)
      .setJti(overrides.jti ?? randomUUID())
      .setIssuedAt(Math.floor(h.clock.now() / 1000))
      .setExpirationTime(overrides.exp ?? Math.floor(h.clock.now() / 1000) + 60)
      .sign(privateKey as CryptoKey);
  return { id: client.id, assertion };
}

describe('RFC 8414 metadata: everything advertised works', () => {
  let h: Harness;
  let metadata: Record<string, string | string[]>;
  before(async () => {
    h = await createHarness();
    metadata = (await h.app.inject({ url: '/.well-known/oauth-authorization-server' })).json();
  });
  after(() => h.close());
  const path = (url: string) => new URL(url).pathname;

  it('every advertised URL answers', async () => {
    assert.equal((await h.app.inject({ url: path(metadata.jwks_uri as string) })).statusCode, 200);
    assert.equal((await h.app.inject({ url: path(metadata.service_documentation as string) })).statusCode, 200);
    for (const endpoint of ['token_endpoint', 'introspection_endpoint', 'revocation_endpoint']) {
      const response = await postForm(h, path(metadata[endpoint] as string), {});
      assert.ok(
        [400, 401].includes(response.statusCode),
        `${endpoint} is served (answers a bare POST with an RFC 6749 error)`,
      );
    }
  });

  it('every token endpoint auth method and every assertion alg gets a token; every scope can be granted', async () => {
    const methods = metadata.token_endpoint_auth_methods_supported as string[];
    assert.deepEqual([...methods].sort(), ['client_secret_basic', 'client_secret_post', 'none', 'private_key_jwt']);
    // Every scope that exists is listed (#18.8): every permission of every registered API.
    const listed = metadata.scopes_supported as string[];
    assert.deepEqual(listed, [...listed].sort());
    for (const scope of [
      'admin',
      'payroll:read',
      'payroll:read:self',
      'payroll:write',
      'profile',
      'ssf:poll',
      'users:read',
      'apis:write',
    ])
      assert.ok(listed.includes(scope), scope);
    const clientScopes = 'payroll:read ssf:poll';
    const { client, secret } = await h.services.clients.create({ name: 'secret', scope: clientScopes }, null);
    const token = path(metadata.token_endpoint as string);
    // A token is for one API: each scope at the API that declares it (ssf:poll at Bulwark's own).
    for (const [scope, aud] of [
      ['payroll:read', 'payroll'],
      ['ssf:poll', 'urn:bulwark:api'],
    ]) {
      const viaBasic = await postForm(
        h,
        token,
        { grant_type: 'client_credentials', scope: scope as string },
        basic(client.id, secret as string),
      );
      assert.equal(viaBasic.statusCode, 200, viaBasic.body);
      assert.equal(viaBasic.json().scope, scope);
      assert.equal(decodeJwt(viaBasic.json().access_token).claims.aud, aud);
    }
    assert.equal(
      (
        await postForm(h, token, {
          grant_type: 'client_credentials',
          client_id: client.id,
          client_secret: secret as string,
        })
      ).statusCode,
      200,
    );
    for (const alg of metadata.token_endpoint_auth_signing_alg_values_supported as string[]) {
      const signer = await keyClient(h, alg);
      for (const audience of [ISSUER, metadata.token_endpoint as string]) {
        const response = await postForm(h, token, {
          grant_type: 'client_credentials',
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await signer.assertion(audience),
        });
        assert.equal(response.statusCode, 200, `${alg} ${audience}: ${response.body}`);
      }
    }
    // none: the first party's refresh grant.
    await h.addUser('alice', 'clerk', 'alice-Correct-Horse-42');
    const login = await h.login('alice', 'alice-Correct-Horse-42');
    assert.equal(
      (
        await postForm(h, token, {
          grant_type: 'refresh_token',
          refresh_token: login.refresh_token,
          client_id: 'bulwark',
        })
      ).statusCode,
      200,
    );
    assert.deepEqual(metadata.grant_types_supported, ['client_credentials', 'refresh_token']);
  });

  it("scopes_supported follows the registry: a newly registered API's permissions are listed", async () => {
    await h.services.registry.createApi(
      {
        identifier: 'https://metadata-inventory.example',
        name: 'Inventory',
        permissions: [{ name: 'inventory:count' }],
      },
      null,
    );
    const metadata = (await h.app.inject({ url: '/.well-known/oauth-authorization-server' })).json<{
      scopes_supported: string[];
    }>();
    assert.ok(metadata.scopes_supported.includes('inventory:count'), metadata.scopes_supported.join(' '));
    assert.ok(metadata.scopes_supported.includes('payroll:read'));
  });

  it('introspection and revocation accept each advertised method', async () => {
    const { client, secret } = await h.services.clients.create(
      { name: 'rs', scope: 'payroll:read', introspection: true },
      null,
    );
    const signer = await keyClient(h, 'ES256', true);
    const live = async () =>
      (
        await postForm(h, '/oauth/token', { grant_type: 'client_credentials' }, basic(client.id, secret as string))
      ).json().access_token as string;
    const credentials: Record<
      string,
      () => Promise<{ params: Record<string, string>; headers: Record<string, string> }>
    > = {
      client_secret_basic: async () => ({ params: {}, headers: basic(client.id, secret as string) }),
      client_secret_post: async () => ({
        params: { client_id: client.id, client_secret: secret as string },
        headers: {},
      }),
      private_key_jwt: async () => ({
        params: { client_assertion_type: ASSERTION_TYPE, client_assertion: await signer.assertion() },
        headers: {},
      }),
    };
    assert.deepEqual(
      [...(metadata.introspection_endpoint_auth_methods_supported as string[])].sort(),
      Object.keys(credentials).sort(),
    );
    for (const method of metadata.introspection_endpoint_auth_methods_supported as string[]) {
      const { params, headers } = await (
        credentials[method] as () => Promise<{ params: Record<string, string>; headers: Record<string, string> }>
      )();
      const response = await postForm(
        h,
        path(metadata.introspection_endpoint as string),
        { token: await live(), ...params },
        headers,
      );
      assert.equal(response.statusCode, 200, `${method}: ${response.body}`);
      assert.equal(response.json().active, true, method);
    }
    for (const method of metadata.revocation_endpoint_auth_methods_supported as string[]) {
      if (method === 'none') continue; // covered by the refresh-token revocation test
      const { params, headers } = await (
        credentials[method] as () => Promise<{ params: Record<string, string>; headers: Record<string, string> }>
      )();
      const mine =
        method === 'private_key_jwt'
          ? ((
              await postForm(h, '/oauth/token', {
                grant_type: 'client_credentials',
                client_assertion_type: ASSERTION_TYPE,
                client_assertion: await signer.assertion(),
              })
            ).json().access_token as string)
          : await live();
      const response = await postForm(
        h,
        path(metadata.revocation_endpoint as string),
        { token: mine, ...params },
        headers,
      );
      assert.equal(response.statusCode, 200, `${method}: ${response.body}`);
      assert.equal(
        (await h.app.inject({ url: '/api/employees', headers: bearer(mine) })).statusCode,
        401,
        `${method}: revoked`,
      );
    }
  });

  it("private_key_jwt refuses a replayed assertion, a wrong audience, a long-lived one and another client's key", async () => {
    const signer = await keyClient(h, 'ES256');
    const other = await keyClient(h, 'ES256');
    const token = '/oauth/token';
    const post = async (client_assertion: string) =>
      postForm(h, token, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion });
    const once = await signer.assertion(ISSUER, { jti: 'only-once' });
    assert.equal((await post(once)).statusCode, 200);
    assert.equal((await post(once)).statusCode, 401, 'replayed jti');
    assert.equal((await post(await signer.assertion('https://elsewhere.example'))).statusCode, 401, 'wrong aud');
    assert.equal(
      (await post(await signer.assertion(ISSUER, { exp: Math.floor(h.clock.now() / 1000) + 3600 }))).statusCode,
      401,
      'valid for an hour',
    );
    assert.equal(
      (await post(await signer.assertion(ISSUER, { exp: Math.floor(h.clock.now() / 1000) - 120 }))).statusCode,
      401,
      'expired',
    );
    // Signed by another client's key but claiming this client: no key of this client matches.
    const forged = (await other.assertion()).split('.');
    const claims = Buffer.from(
      JSON.stringify({
        iss: signer.id,
        sub: signer.id,
        aud: ISSUER,
        jti: randomUUID(),
        exp: Math.floor(h.clock.now() / 1000) + 60,
      }),
    ).toString('base64url');
    assert.equal((await post(`${forged[0]}.${claims}.${forged[2]}`)).statusCode, 401, 'forged');
    assert.equal(
      (
        await postForm(h, token, {
          grant_type: 'client_credentials',
          client_assertion_type: 'urn:other',
          client_assertion: once,
        })
      ).statusCode,
      401,
    );
  });

  it("private_key_jwt with a jwks_uri: the keys are fetched (loopback http) through the guard's RemoteJwksSource", async () => {
    const keys: Array<Record<string, unknown>> = [];
    const server = createServer((_request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys })),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
      keys.push({ ...(await exportJWK(publicKey)), kid: 'remote-1', alg: 'ES256', use: 'sig' });
      const { client } = await h.services.clients.create(
        { name: 'remote keys', scope: 'payroll:read', jwksUri: `http://127.0.0.1:${port}/jwks.json` },
        null,
      );
      const assertion = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'remote-1' })
        .setIssuer(client.id)
        .setSubject(client.id)
        .setAudience(ISSUER)
        .setJti(randomUUID())
        .setExpirationTime(Math.floor(h.clock.now() / 1000) + 60)
        .sign(privateKey as CryptoKey);
      const response = await postForm(h, '/oauth/token', {
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion,
      });
      assert.equal(response.statusCode, 200, response.body);
    } finally {
      server.close();
    }
  });
});
