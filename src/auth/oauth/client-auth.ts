import { OAUTH_ERROR } from '@bulwark/contract/registry';
import { AssertionRejected, JWT_BEARER_ASSERTION, type AssertionVerifier } from '../clients/assertion.js';
import type { ClientRegistry } from '../clients/registry.js';
import { secretMatches } from '../clients/secrets.js';
import { CLIENT_ID as FIRST_PARTY_CLIENT_ID } from '../tokens/access-tokens.js';
import type { ClientRecord } from '../../store/types.js';
import { invalidClient, OAuthError } from './errors.js';
import type { FormParams } from './params.js';
import { optionalParam } from './params.js';

export type ClientAuthMethodUsed = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** Who calls an OAuth endpoint: an authenticated client, or the first party's public client. */
export type CallingClient =
  | { kind: 'confidential'; client: ClientRecord; method: ClientAuthMethodUsed }
  | { kind: 'public'; clientId: typeof FIRST_PARTY_CLIENT_ID };

/**
 * Client authentication (RFC 6749 §2.3): HTTP Basic, the secret in the form body, or a JWT
 * assertion (RFC 7523); one method per request. `bulwark` (the first party) is a public client
 * and names itself with client_id alone. Every failure is the same invalid_client.
 */
export class ClientAuthenticator {
  constructor(
    private readonly registry: ClientRegistry,
    private readonly assertions: AssertionVerifier,
  ) {}

  /** The caller, or null when the request names no client at all. */
  async authenticate(
    authorization: string | undefined,
    params: FormParams,
    endpoint: string,
  ): Promise<CallingClient | null> {
    const clientId = optionalParam(params, 'client_id');
    const secret = optionalParam(params, 'client_secret');
    const assertion = optionalParam(params, 'client_assertion');
    const assertionType = optionalParam(params, 'client_assertion_type');
    const basic = authorization === undefined ? undefined : parseBasic(authorization);
    const methods = [
      basic !== undefined,
      secret !== undefined,
      assertion !== undefined || assertionType !== undefined,
    ].filter(Boolean).length;
    if (methods > 1)
      throw new OAuthError(OAUTH_ERROR.invalid_request, 'Use one client authentication method per request.');

    if (basic !== undefined) {
      if (clientId !== undefined && clientId !== basic.id)
        throw invalidClient('client_id differs from the Basic credentials');
      return this.#bySecret(basic.id, basic.secret, 'client_secret_basic');
    }
    if (secret !== undefined) {
      if (clientId === undefined) throw invalidClient('client_secret without client_id');
      return this.#bySecret(clientId, secret, 'client_secret_post');
    }
    if (assertion !== undefined || assertionType !== undefined) {
      if (assertionType !== JWT_BEARER_ASSERTION || assertion === undefined)
        throw invalidClient('unsupported client assertion type');
      return this.#byAssertion(assertion, clientId, endpoint);
    }
    if (clientId === undefined) return null;
    if (clientId === FIRST_PARTY_CLIENT_ID) return { kind: 'public', clientId: FIRST_PARTY_CLIENT_ID };
    throw invalidClient('a confidential client did not authenticate');
  }

  async #bySecret(id: string, secret: string, method: ClientAuthMethodUsed): Promise<CallingClient> {
    const client = id.length > 64 ? undefined : await this.registry.find(id);
    const matches = secretMatches(secret, client?.secretHash ?? null);
    if (client === undefined || !matches || client.disabled)
      throw invalidClient(client === undefined ? 'unknown client' : !matches ? 'wrong secret' : 'client disabled');
    return { kind: 'confidential', client, method };
  }

  async #byAssertion(assertion: string, clientId: string | undefined, endpoint: string): Promise<CallingClient> {
    const id = clientId ?? unverifiedIssuer(assertion);
    const client = id === undefined || id.length > 64 ? undefined : await this.registry.find(id);
    if (client === undefined || client.disabled || client.authMethod !== 'private_key_jwt')
      throw invalidClient(
        client === undefined ? 'unknown client' : client.disabled ? 'client disabled' : 'client has no keys',
      );
    try {
      await this.assertions.verify(assertion, client, endpoint);
    } catch (error) {
      if (error instanceof AssertionRejected) throw invalidClient(error.message);
      throw error;
    }
    return { kind: 'confidential', client, method: 'private_key_jwt' };
  }
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. Malformed: invalid_client. */
function parseBasic(header: string): { id: string; secret: string } {
  const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
  if (match === null) throw invalidClient('Authorization is not Basic credentials');
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidClient('Basic credentials without a colon');
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw invalidClient('Basic credentials are not form-urlencoded');
  }
}

const formDecode = (value: string): string => decodeURIComponent(value.replace(/\+/g, ' '));

/** The assertion's iss, to find the client before its keys verify it (then checked again). */
function unverifiedIssuer(assertion: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      iss?: unknown;
    };
    return typeof payload.iss === 'string' ? payload.iss : undefined;
  } catch {
    return undefined;
  }
}

/** The client id a request claims before it is authenticated (for throttling and audit). */
export function claimedClientId(authorization: string | undefined, params: FormParams): string | undefined {
  try {
    const basic = authorization === undefined ? undefined : parseBasic(authorization);
    const id =
      basic?.id ??
      optionalParam(params, 'client_id') ??
      unverifiedIssuer(optionalParam(params, 'client_assertion') ?? '');
    return id === undefined ? undefined : id.slice(0, 64);
  } catch {
    return undefined;
  }
}
