export {
  DPOP_PROOF_REASONS,
  DpopReplayCacheFullError,
  InvalidDpopProofError,
  isDpopError,
  UseDpopNonceError,
  type DpopError,
  type DpopProofReason,
} from './errors.js';
export { DPOP_ALGS, DPOP_DEFAULTS, type DpopAlg, type DpopOptions } from './options.js';
export {
  DEFAULT_DPOP_REPLAY_MAX,
  MemoryDpopReplayCache,
  type DpopReplayCache,
  type MemoryDpopReplayCacheOptions,
} from './replay-cache.js';
export { createHmacDpopNonces, type DpopNonceSource, type HmacDpopNonceOptions } from './nonce.js';
export { createDpopChecker, type DpopChecker } from './checker.js';
export type { DpopRequest, VerifiedDpopProof } from './proof.js';
export { normalizeHtu } from './htu.js';
export { authenticateRequest, type RequestCredentials } from './authenticate.js';
export { dpopChallenge, dpopResponseHeaders } from './challenge.js';
export { extractCredential, type AccessCredential } from './credential.js';
