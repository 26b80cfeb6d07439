import type { FastifyRequest } from 'fastify';
import {
  createVerifier,
  ForbiddenError,
  InvalidTokenError,
  type KeySource,
  type RevocationSource,
} from '@bulwark/guard';
import { createAuthHook, type AuthHook } from '@bulwark/guard/fastify';
import { SIGNING_ALGS } from '@bulwark/guard/jose';
import type { Config } from '../../config/index.js';
import type { ClientsStore } from '../../store/types.js';
import { BULWARK_API } from '@bulwark/contract/registry';
import { SSF_SCOPE } from '../tokens/scopes.js';
import { decryptionFor } from '../tokens/token-encryption.js';

export { SSF_SCOPE };

export interface ReceiverAuth {
  /** Verifies the Bearer token (401 invalid_token; 403 without the scope); run as onRequest. */
  hook: AuthHook;
  /** The client id of the verified token, once its client is known and enabled. */
  clientOf(request: FastifyRequest): Promise<string>;
}

/**
 * Receivers are OAuth clients: they present an access token of their own (client credentials,
 * RFC 9068: sub is the client id) carrying the `ssf:poll` scope. A user's token (sub a user, the
 * client `bulwark`) never reads the feed, and neither does a disabled or deleted client's.
 */
export function createReceiverAuth(
  config: Pick<Config, 'issuer' | 'audience' | 'clockSkewSeconds' | 'accessTokenTtlSeconds' | 'tokenEncryption'>,
  options: {
    keys: KeySource;
    revocations: RevocationSource;
    clients: Pick<ClientsStore, 'findById'>;
    now?: (() => number) | undefined;
  },
): ReceiverAuth {
  const verifier = createVerifier({
    issuer: config.issuer,
    // Bulwark's API holds `ssf:poll` (contract §15.2); tokens made before the registry had the default audience.
    audience: [BULWARK_API, config.audience, config.issuer],
    algorithms: [...SIGNING_ALGS],
    keys: options.keys,
    revocations: options.revocations,
    clockSkewSeconds: config.clockSkewSeconds,
    maxTokenLifetimeSeconds: config.accessTokenTtlSeconds + config.clockSkewSeconds,
    requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id', 'scope'],
    ...decryptionFor(config.tokenEncryption),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return {
    hook: createAuthHook(verifier, { scopes: [SSF_SCOPE], onError: 'throw' }),
    async clientOf(request) {
      const claims = request.auth;
      if (claims === null || claims === undefined) throw new InvalidTokenError('missing');
      if (claims.client_id !== claims.sub) {
        throw new ForbiddenError('not a client token', {
          detail: 'Security events are read with a client credentials token.',
        });
      }
      const client = await options.clients.findById(claims.sub);
      if (client === undefined || client.disabled) throw new InvalidTokenError('revoked');
      return client.id;
    },
  };
}
