/** @bulwark/guard: verify Bulwark access tokens in any Node service. */
export { createVerifier, VERIFIER_DEFAULTS, type Verifier, type VerifierOptions } from './verifier.js';
export { DEFAULT_CACHE_MAX, type VerifiedCacheOptions } from './verified-cache.js';
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
export { LocalKeySource, verificationKeyFromJwk, type KeyRemovedListener } from './key-source.js';
export { MemoryRevocationSet, type RevocationEntry } from './revocation.js';
export { extractBearerToken } from './bearer.js';
export {
  bulwarkGuard,
  createAuthHook,
  type AuthHook,
  type AuthTarget,
  type GuardPluginOptions,
  type RequireAuthOptions,
} from './fastify.js';
export { createRemoteJwksSource, RemoteJwksSource } from './remote-jwks.js';
export { REMOTE_JWKS_DEFAULTS, type RemoteJwksOptions } from './remote-jwks-options.js';
export type { SkippedJwk } from './jwks-keys.js';
export {
  createAuthMiddleware,
  type AuthenticatedRequest,
  type AuthMiddleware,
  type AuthMiddlewareOptions,
  type NextFunction,
} from './node-http.js';
export { createHonoMiddleware, type HonoAuthEnv, type HonoMiddlewareOptions } from './hono.js';
export type { GuardProblem } from './problem.js';
export { BEARER_REALM, bearerChallenge } from './challenge.js';
export { InsufficientUserAuthenticationError, type StepUpRequirement, type StepUpShortfall } from './step-up.js';
export { MAX_NUMERIC_DATE } from './check-claims.js';
export { PUBLIC_KEY_ALGS, SIGNING_ALGS } from './jose/algorithms.js';
export { KEY_MANAGEMENT_ALGS, type DecryptionOptions, type KeyManagementAlg } from './jwe/index.js';
export { InvalidKeyError } from './jose/errors.js';
export { BulwarkError } from './bulwark-error.js';
export * from './revocation-feed/index.js';
export * from './dpop/index.js';
