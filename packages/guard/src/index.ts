/**
 * `@bulwark/guard`: verify Bulwark access tokens in any Node service. Framework adapters:
 * `@bulwark/guard/fastify`, `@bulwark/guard/express`, `@bulwark/guard/hono`; node:http here.
 * @packageDocumentation
 */
export {
  createVerifier,
  NO_REVOCATION_WARNING,
  VERIFIER_DEFAULTS,
  type Verifier,
  type VerifierOptions,
} from './verifier/verifier.js';
export { DEFAULT_CACHE_MAX, type VerifiedCacheOptions } from './verifier/verified-cache.js';
export {
  ForbiddenError,
  InsufficientScopeError,
  INVALID_TOKEN_REASONS,
  InvalidTokenError,
  isTokenError,
  JwksFetchError,
  TokenExpiredError,
  type InvalidTokenReason,
  type TokenError,
  type TokenRejectionReason,
} from './errors.js';
export type { AccessTokenClaims, KeySource, RevocationSource, SigningAlg, VerificationKey } from './types.js';
export { LocalKeySource, verificationKeyFromJwk, type KeyRemovedListener } from './jwks/local-key-source.js';
export { MemoryRevocationSet, type RevocationEntry } from './revocation/memory-set.js';
export { extractBearerToken } from './http/bearer.js';
// The Fastify plugin and the Hono middleware are the entries @bulwark/guard/fastify and
// @bulwark/guard/hono (Express: @bulwark/guard/express): this one needs no framework's types.
export type { RequireAuthOptions } from './authorize/authorize.js';
export { createRemoteJwksSource, RemoteJwksSource } from './jwks/remote-jwks.js';
export { REMOTE_JWKS_DEFAULTS, type RemoteJwksOptions } from './jwks/remote-jwks-options.js';
export type { SkippedJwk } from './jwks/keys-from-jwks.js';
export {
  createAuthMiddleware,
  type AuthenticatedRequest,
  type AuthMiddleware,
  type AuthMiddlewareOptions,
  type NextFunction,
} from './adapters/node-http.js';
export type { GuardProblem } from './http/problem.js';
export { BEARER_REALM, bearerChallenge } from './http/challenge.js';
export {
  InsufficientUserAuthenticationError,
  type StepUpRequirement,
  type StepUpShortfall,
} from './authorize/step-up.js';
export { MAX_NUMERIC_DATE } from './verifier/check-claims.js';
export { PUBLIC_KEY_ALGS, SIGNING_ALGS } from './jws/algorithms.js';
export { KEY_MANAGEMENT_ALGS, type DecryptionOptions, type KeyManagementAlg } from './jwe/index.js';
export { InvalidKeyError } from './jwk/invalid-key-error.js';
export { BulwarkError } from './bulwark-error.js';
export * from './revocation/feed/index.js';
export * from './dpop/index.js';
export {
  createIssuerVerifier,
  ISSUER_VERIFIER_DEFAULTS,
  type IssuerVerifier,
  type IssuerVerifierOptions,
} from './issuer/issuer-verifier.js';
export type { IssuerMetadata } from './issuer/discovery.js';
