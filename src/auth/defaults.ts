import { checkedDefaults } from '../config/defaults.js';

/**
 * The token service's built-in defaults and bounds, declared here once and checked at load
 * (positive integers). What a deployment may change is in src/config/config.ts (environment);
 * protocol constants (TOTP's RFC 6238 parameters, recovery-code format) stay beside their code.
 */
export const AUTH_DEFAULTS = checkedDefaults('auth', {
  /** OWASP Password Storage Cheat Sheet: argon2id (algorithm 2), m = 19 MiB, t = 2, p = 1. */
  argon2: { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 },
  passwordMinLength: 12,
  /** How long the second step of a login may take, and how many wrong codes one mfa_token allows. */
  loginChallenge: { ttlSeconds: 300, maxAttempts: 5 },
  /** Recovery codes handed out at once. */
  recoveryCodeCount: 10,
  /** The own-sessions list (GET /api/users/me/sessions) shows at most this many. */
  maxOwnSessions: 100,
  /**
   * A session is deleted, with its refresh tokens, this long after it expired (revoked or not):
   * the admin lists show ended sessions for a month, then the rows (and the IP and user agent
   * they hold) go. Without it every login and refresh left a row for good.
   */
  endedSessionKeepMs: 30 * 86_400_000,
  /**
   * Each instance reloads the key table this often: a key made on one instance appears in
   * another's JWKS only at that reload, so pre-publication waits this long on top of the JWKS max-age.
   */
  keyReloadIntervalMs: 5_000,
  /** An RFC 7523 client assertion may be valid for at most this long from now (exp − now): it is single-use anyway. */
  maxAssertionSeconds: 300,
  /** Remote JWKS sources (clients with a jwks_uri) kept at once. */
  maxRemoteKeySources: 100,
  /** The SET feed (RFC 8936 poll): how long a poll waits, how often it rechecks, when an idle stream is dropped. */
  setFeed: { longPollMs: 25_000, recheckMs: 1_000, inactivityTimeoutMs: 24 * 60 * 60_000 },
  maxStreamsPerClient: 100,
  /**
   * The registry (APIs, roles: issue #18) is held in memory; each instance checks the store's
   * registry version at most this often (the revocation store-sync interval), so another
   * instance's change applies within it, and a registry that cannot be checked for longer is not used.
   */
  registryRefreshMs: 2_000,
  /** `bulwark revoke` publishes to Redis with this deadline. */
  cliPublishTimeoutMs: 1_000,
});
