/**
 * The issue's "done": on a fresh data dir, a client created with the CLI gets a token from the
 * discovered endpoint with oauth4webapi and openid-client 6 (real clients, real HTTP, the built
 * `bulwark serve`), reads payroll, introspects and revokes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';
import { freePort, runCli, startServe, type ServerProcess } from '../helpers/process.js';

interface CreatedClient {
  client_id: string;
  client_secret?: string;
  auth_method: string;
  scope: string;
}

describe('real OAuth 2 clients against `bulwark serve` (oauth4webapi 3, openid-client 6)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let server: ServerProcess;
  let issuer: URL;
  const insecure = { [oauth.allowInsecureRequests]: true };

  const addClient = async (...args: string[]): Promise<CreatedClient> => {
    const result = await runCli(['clients', 'add', ...args, '--json'], env);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as CreatedClient;
  };
  const api = (token: string, path: string, init: RequestInit = {}) =>
    fetch(new URL(path, issuer), {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(init.headers as Record<string, string> | undefined),
      },
    });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-oauth-e2e-'));
    const port = await freePort();
    issuer = new URL(`http://127.0.0.1:${port}`);
    env = { BULWARK_DATA_DIR: dataDir, BULWARK_ISSUER: issuer.origin, PORT: String(port), HOST: '127.0.0.1' };
    // The CLI opens (and migrates) the store before the server ever ran: a fresh clone's first steps.
    await runCli(['users', 'list'], env);
    server = await startServe(env);
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('oauth4webapi: discovery, client_credentials (Basic), payroll read 200 / write 403, introspection, revocation', async () => {
    const created = await addClient('--name', 'nightly report', '--scope', 'payroll:read', '--introspection');
    assert.match(created.client_secret ?? '', /^bcs_/);
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
    );
    assert.equal(as.token_endpoint, `${issuer.origin}/oauth/token`);
    const client: oauth.Client = { client_id: created.client_id };
    const auth = oauth.ClientSecretBasic(created.client_secret as string);

    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      auth,
      new URLSearchParams({ scope: 'payroll:read' }),
      insecure,
    );
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.scope, 'payroll:read');

    const employees = await api(tokens.access_token, '/api/employees');
    assert.equal(employees.status, 200);
    assert.ok(((await employees.json()) as { items: unknown[] }).items.length > 0, 'the demo company');
    const write = await api(tokens.access_token, '/api/payments', {
      method: 'POST',
      headers: { 'idempotency-key': 'k1' },
      body: '{}',
    });
    assert.equal(write.status, 403);

    const introspection = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, auth, tokens.access_token, insecure),
    );
    assert.equal(introspection.active, true);
    assert.equal(introspection.client_id, created.client_id);
    assert.equal(introspection.scope, 'payroll:read');

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, auth, tokens.access_token, insecure),
    );
    const after = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, auth, tokens.access_token, insecure),
    );
    assert.deepEqual(after, { active: false });
    assert.equal((await api(tokens.access_token, '/api/employees')).status, 401);
  });

  it('oauth4webapi: a wrong secret is a 401 with a Basic challenge (RFC 6749 §5.2 invalid_client)', async () => {
    const created = await addClient('--name', 'typo', '--scope', 'payroll:read');
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
    );
    const client: oauth.Client = { client_id: created.client_id };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic('bcs_wrong'),
      new URLSearchParams(),
      insecure,
    );
    // RFC 6749 §5.2: a 401 with a Basic challenge, which oauth4webapi surfaces as such.
    await assert.rejects(
      oauth.processClientCredentialsResponse(as, client, response),
      (error: unknown) =>
        error instanceof oauth.WWWAuthenticateChallengeError &&
        error.status === 401 &&
        error.cause[0]?.scheme === 'basic',
    );
  });

  it('openid-client 6: discovery, clientCredentialsGrant (client_secret_post), tokenIntrospection, tokenRevocation', async () => {
    const created = await addClient('--name', 'warehouse sync', '--scope', 'payroll:read', '--introspection');
    const config = await openid.discovery(
      issuer,
      created.client_id,
      undefined,
      openid.ClientSecretPost(created.client_secret),
      { algorithm: 'oauth2', execute: [openid.allowInsecureRequests] },
    );
    const tokens = await openid.clientCredentialsGrant(config, { scope: 'payroll:read' });
    assert.equal((await api(tokens.access_token, '/api/payments')).status, 200);
    const introspection = await openid.tokenIntrospection(config, tokens.access_token);
    assert.equal(introspection.active, true);
    assert.equal(introspection.sub, created.client_id);
    await openid.tokenRevocation(config, tokens.access_token);
    assert.equal((await openid.tokenIntrospection(config, tokens.access_token)).active, false);
  });

  it('openid-client 6: private_key_jwt with a jose key registered by `clients add --jwks`', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwksFile = join(dataDir, 'client-jwks.json');
    writeFileSync(
      jwksFile,
      JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'job-key-1', alg: 'ES256', use: 'sig' }] }),
    );
    const created = await addClient('--name', 'signed job', '--scope', 'payroll:read', '--jwks', jwksFile);
    assert.equal(created.auth_method, 'private_key_jwt');
    assert.equal(created.client_secret, undefined);
    const config = await openid.discovery(
      issuer,
      created.client_id,
      undefined,
      openid.PrivateKeyJwt({ key: privateKey, kid: 'job-key-1' }),
      { algorithm: 'oauth2', execute: [openid.allowInsecureRequests] },
    );
    const tokens = await openid.clientCredentialsGrant(config);
    assert.equal(tokens.scope, 'payroll:read');
    assert.equal((await api(tokens.access_token, '/api/employees')).status, 200);
    await openid.tokenRevocation(config, tokens.access_token);
    assert.equal((await api(tokens.access_token, '/api/employees')).status, 401);
  });

  it('the metadata advertises nothing that fails, and there is no openid-configuration', async () => {
    const metadata = (await (await fetch(new URL('/.well-known/oauth-authorization-server', issuer))).json()) as Record<
      string,
      unknown
    >;
    for (const key of ['jwks_uri', 'service_documentation'])
      assert.equal((await fetch(metadata[key] as string)).status, 200, key);
    for (const key of ['token_endpoint', 'introspection_endpoint', 'revocation_endpoint']) {
      const response = await fetch(metadata[key] as string, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      assert.ok([400, 401].includes(response.status), `${key}: ${response.status}`);
      assert.equal(typeof ((await response.json()) as { error?: unknown }).error, 'string');
    }
    assert.equal((await fetch(new URL('/.well-known/openid-configuration', issuer))).status, 404);
  });

  it('`clients list`, `disable` and `rotate-secret` on the CLI; the disabled client gets no token', async () => {
    const created = await addClient('--name', 'short-lived', '--scope', 'payroll:read');
    const list = await runCli(['clients', 'list', '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    const listed = JSON.parse(list.stdout) as Array<Record<string, unknown>>;
    assert.ok(
      listed.some((c) => c.client_id === created.client_id),
      list.stdout,
    );
    assert.ok(
      listed.every((c) => !('client_secret' in c)),
      'never a secret in the listing',
    );
    assert.ok(!list.stdout.includes((created.client_secret as string).slice(4)), 'never a secret in the listing');
    const rotated = await runCli(['clients', 'rotate-secret', created.client_id, '--json'], env);
    assert.equal(rotated.code, 0, rotated.stderr);
    const secret = (JSON.parse(rotated.stdout) as CreatedClient).client_secret as string;
    assert.notEqual(secret, created.client_secret);
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
    );
    const client: oauth.Client = { client_id: created.client_id };
    const grant = (s: string) =>
      oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(s), new URLSearchParams(), insecure);
    assert.equal((await grant(created.client_secret as string)).status, 401);
    assert.equal((await grant(secret)).status, 200);
    assert.equal((await runCli(['clients', 'disable', created.client_id], env)).code, 0);
    assert.equal((await grant(secret)).status, 401);
    assert.equal((await runCli(['clients', 'add', '--name', 'x'], env)).code, 2, 'missing --scope is a usage error');
  });
});
