import { randomBytes } from 'node:crypto';
import { signJwt } from '../../src/jose/sign.js';
import type { ClientRecord } from '../../src/store/types.js';
import type { Harness } from '../helpers/harness.js';

/**
 * A client with an access token as the OAuth client-credentials grant issues it (RFC 9068: sub is
 * the client id), minted with the harness's own signing key.
 */
export async function addReceiver(
  harness: Harness,
  scope = 'ssf:poll',
  overrides: Partial<ClientRecord> = {},
): Promise<{ id: string; token: string }> {
  const now = harness.clock.now();
  const client: ClientRecord = {
    id: `client-${randomBytes(6).toString('hex')}`,
    name: 'receiver',
    authMethod: 'client_secret',
    secretHash: 'x'.repeat(43),
    jwks: null,
    jwksUri: null,
    scopes: scope.split(' '),
    audiences: [harness.config.audience],
    introspection: false,
    disabled: false,
    createdAt: now,
    updatedAt: now,
    secretIssuedAt: now,
    ...overrides,
  };
  await harness.store.clients.create(client);
  return { id: client.id, token: clientToken(harness, client.id, scope) };
}

export function clientToken(harness: Harness, clientId: string, scope: string): string {
  const iat = Math.floor(harness.clock.now() / 1000);
  const claims = {
    iss: harness.config.issuer,
    sub: clientId,
    aud: harness.config.audience,
    exp: iat + 300,
    iat,
    jti: randomBytes(12).toString('base64url'),
    client_id: clientId,
    scope,
  };
  return signJwt(harness.services.keys.signingKey(), { typ: 'at+jwt' }, claims);
}
