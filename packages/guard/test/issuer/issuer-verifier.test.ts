import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createIssuerVerifier } from '../../src/issuer/issuer-verifier.js';
import { NO_REVOCATION_WARNING } from '../../src/verifier/verifier.js';
import { jwksOf } from '../jwks/jwks-server.js';
import { ISSUER, keys, NOW_MS, token } from '../helpers.js';

/** A token service that answers only the given paths (everything else 404), and the paths asked for. */
function issuerFetch(documents: Record<string, unknown>): { fetch: typeof globalThis.fetch; asked: string[] } {
  const asked: string[] = [];
  const fetch = (async (input: string | URL | Request) => {
    const url = new URL(input instanceof Request ? input.url : input);
    asked.push(url.pathname);
    const body = documents[url.pathname];
    if (body === undefined) return new Response('not found', { status: 404 });
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { fetch, asked };
}

const METADATA = {
  issuer: ISSUER,
  jwks_uri: `${ISSUER}/.well-known/jwks.json`,
  token_endpoint: `${ISSUER}/oauth/token`,
};

describe('createIssuerVerifier', () => {
  it('discovers the JWKS from RFC 8414 metadata and verifies; without a client it warns once that logged-out tokens stay valid', async () => {
    const { fetch, asked } = issuerFetch({
      '/.well-known/oauth-authorization-server': METADATA,
      '/.well-known/jwks.json': { keys: jwksOf('ES256').keys },
    });
    const warnings: string[] = [];
    const verifier = await createIssuerVerifier({
      issuer: ISSUER,
      audience: 'payroll',
      fetch,
      now: () => NOW_MS,
      onWarning: (m) => warnings.push(m),
    });
    try {
      assert.deepEqual(warnings, [NO_REVOCATION_WARNING]);
      assert.match(NO_REVOCATION_WARNING, /logged-out and revoked tokens stay valid until they expire/);
      assert.equal(verifier.revocations, undefined);
      assert.equal(verifier.metadata.jwks_uri, METADATA.jwks_uri);
      assert.deepEqual(asked.slice(0, 3), [
        '/.well-known/oauth-authorization-server',
        '/.well-known/ssf-configuration',
        '/.well-known/jwks.json',
      ]);
      assert.equal((await verifier.verifyAsync(token(keys().ES256))).sub, 'usr_7f3a');
      assert.throws(() => verifier.verify(token(keys().HS256)), { code: 'invalid_token', reason: 'alg_not_allowed' });
    } finally {
      await verifier.close();
    }
  });

  it('falls back to OpenID Connect Discovery when RFC 8414 metadata is not served', async () => {
    const { fetch, asked } = issuerFetch({
      '/.well-known/openid-configuration': METADATA,
      '/.well-known/jwks.json': { keys: jwksOf('ES256').keys },
    });
    const verifier = await createIssuerVerifier({
      issuer: ISSUER,
      audience: 'payroll',
      fetch,
      now: () => NOW_MS,
      onWarning: () => {},
    });
    assert.deepEqual(asked.slice(0, 2), [
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
    ]);
    assert.equal(verifier.verify(token(keys().ES256)).sub, 'usr_7f3a');
    await verifier.close();
  });

  it('refuses metadata that names another issuer, a missing document, and half a client', async () => {
    const other = issuerFetch({
      '/.well-known/oauth-authorization-server': { ...METADATA, issuer: 'https://evil.example' },
    });
    await assert.rejects(
      createIssuerVerifier({ issuer: ISSUER, audience: 'payroll', fetch: other.fetch }),
      /names issuer "https:\/\/evil.example"/,
    );
    await assert.rejects(
      createIssuerVerifier({ issuer: ISSUER, audience: 'payroll', fetch: issuerFetch({}).fetch }),
      /publishes no authorization server metadata/,
    );
    await assert.rejects(
      createIssuerVerifier({ issuer: ISSUER, audience: 'payroll', clientId: 'svc' }),
      /clientId and clientSecret together/,
    );
    await assert.rejects(createIssuerVerifier({ issuer: 'http://auth.example', audience: 'payroll' }), /https:/);
  });
});
