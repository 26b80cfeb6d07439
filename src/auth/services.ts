import type { Config } from '../config/index.js';
import { createVerifier, type Verifier } from '@bulwark/guard';
import type { SigningAlg } from '@bulwark/guard/jose';
import type { Store } from '../store/types.js';
import { AuditLog } from './audit.js';
import { KeyManager } from './keys/key-manager.js';
import { resolveMasterKey } from './keys/master-key.js';
import { RevocationService } from './revocations.js';
import { SessionService } from './sessions.js';
import { ACCESS_TOKEN_REQUIRED_CLAIMS } from './tokens.js';
import { createThrottles, policyFromLimits, type ThrottleOptions, type Throttles } from './throttle/index.js';
import { normaliseUsername } from './usernames.js';
import { UserService } from './users.js';

/** The token service's parts, wired once. The HTTP app, the CLI and tests all start here. */
export interface AuthServices {
  config: Config;
  store: Store;
  keys: KeyManager;
  revocations: RevocationService;
  audit: AuditLog;
  sessions: SessionService;
  users: UserService;
  verifier: Verifier;
  /** Login, refresh and write limits (memory, or Redis when configured). */
  throttles: Throttles;
}

export interface AuthServiceOptions {
  throttle?: ThrottleOptions;
}

const ASYMMETRIC: SigningAlg[] = ['ES256', 'EdDSA', 'RS256', 'PS256'];

export async function createAuthServices(config: Config, store: Store, now: () => number = Date.now, options: AuthServiceOptions = {}): Promise<AuthServices> {
  const keys = new KeyManager(store.keys, resolveMasterKey(config), config, now);
  await keys.init();
  const skewMs = config.clockSkewSeconds * 1000;
  const revocations = new RevocationService(store.revocations, config.accessTokenTtlSeconds * 1000 + skewMs, skewMs, now);
  await revocations.sync();
  const audit = new AuditLog(store.audit, now);
  const sessions = new SessionService(store, keys, revocations, audit, config, now);
  const users = new UserService(store, sessions, revocations, audit, now);
  const verifier = createVerifier({
    issuer: config.issuer,
    audience: config.audience,
    // Each key verifies only under its own alg; the list only bounds what may be tried at all.
    algorithms: config.signingAlg === 'HS256' ? ['HS256'] : ASYMMETRIC,
    keys: keys.source,
    revocations: revocations.set,
    clockSkewSeconds: config.clockSkewSeconds,
    requiredClaims: ACCESS_TOKEN_REQUIRED_CLAIMS,
    now,
    cache: { max: 10_000 },
  });
  // A throttled login is audited like a failed one: the user's id when the account exists, never the name.
  const throttles = createThrottles(config.redisUrl, async ({ username, ip, scope, retryAfter }) => {
    const user = await store.users.findByUsername(normaliseUsername(username));
    await audit.record('login.throttled', { targetId: user?.id ?? null, ip, details: { scope, retry_after: retryAfter } });
  }, { ...options.throttle, policy: { ...policyFromLimits(config.limits), ...options.throttle?.policy } });
  return { config, store, keys, revocations, audit, sessions, users, verifier, throttles };
}
