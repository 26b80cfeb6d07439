import {
  createVerifier,
  type DpopReplayCache,
  type KeySource,
  type RevocationSource,
  type Verifier,
} from '@bulwark/guard';
import { SIGNING_ALGS, type SigningAlg } from '@bulwark/guard/jose';
import { BULWARK_API } from '@bulwark/contract/registry';
import type { Config } from '../../config/index.js';
import { decryptionFor } from './token-encryption.js';
import { ACCESS_TOKEN_REQUIRED_CLAIMS } from './access-tokens.js';

export interface AccessTokenVerifierOptions {
  keys: KeySource;
  revocations: RevocationSource;
  /** Default: every alg Bulwark signs with. Each key verifies only under its own alg, so a
   *  cluster switching algorithms (`keys rotate --switch-alg`) keeps verifying both. */
  algorithms?: readonly SigningAlg[];
  now?: () => number;
  /** Where DPoP proof ids are remembered (default: this process); shared over Redis by the token service. */
  dpopReplayCache?: DpopReplayCache | undefined;
  /** The audiences accepted; default the default API's and Bulwark's own API's. */
  audience?: string | readonly string[];
}

/**
 * The verifier of Bulwark's own access tokens, the same in every process that trusts them: the
 * token service (local keys), a payroll-only process (remote JWKS) and `bulwark token verify`.
 * A token claiming a longer lifetime than this deployment issues (exp − iat > TTL + skew) is refused.
 */
export function createAccessTokenVerifier(
  config: Pick<Config, 'issuer' | 'audience' | 'clockSkewSeconds' | 'accessTokenTtlSeconds' | 'tokenEncryption'>,
  options: AccessTokenVerifierOptions,
): Verifier {
  return createVerifier({
    issuer: config.issuer,
    // The default API's tokens and Bulwark's own API's (contract §15.2); which routes take which
    // is theirs to check (payroll: the default API only).
    audience: options.audience ?? [config.audience, BULWARK_API],
    algorithms: [...(options.algorithms ?? SIGNING_ALGS)],
    keys: options.keys,
    revocations: options.revocations,
    clockSkewSeconds: config.clockSkewSeconds,
    // Bulwark signs exp - iat <= TTL; the skew is slack (a TTL lowered by up to the skew keeps
    // the tokens already out working). Issue #12.
    maxTokenLifetimeSeconds: config.accessTokenTtlSeconds + config.clockSkewSeconds,
    requiredClaims: ACCESS_TOKEN_REQUIRED_CLAIMS,
    ...(options.dpopReplayCache === undefined ? {} : { dpop: { replayCache: options.dpopReplayCache } }),
    ...decryptionFor(config.tokenEncryption),
    ...(options.now === undefined ? {} : { now: options.now }),
    cache: { max: 10_000 },
  });
}
