import { LOGIN_BACKOFF, type RateLimits } from '../../config/config.js';
import { defaultBackend, RequestLimit, type LimiterBackend } from '../../http/rate-limit.js';
import { perUserWriteLimit } from '../../http/rate-limit-hook.js';
import { LoginThrottle, type DurableFailures, type LoginPolicy, type ThrottledListener } from './login-throttle.js';

export {
  LoginThrottle,
  type DurableFailureRecord,
  type DurableFailures,
  type LoginPolicy,
  type ThrottledListener,
  type ThrottleScope,
} from './login-throttle.js';

/** Every limit of the token service. See LoginThrottle for the login policy. */
export interface ThrottlePolicy extends LoginPolicy {
  /** Refresh calls per IP per minute. */
  refreshPerIpPerMinute: number;
  /** Authenticated writes (POST/PUT/PATCH/DELETE) per user (`sub`) per minute. */
  writesPerUserPerMinute: number;
}

/** The configured limits (BULWARK_LOGIN_* and friends) with the login back-off windows. */
export function policyFromLimits(limits: RateLimits): ThrottlePolicy {
  return {
    ...LOGIN_BACKOFF,
    failuresPerUserIp: limits.loginFailuresPerUserIp,
    failuresPerIpPerDay: limits.loginFailuresPerIp,
    attemptsPerIpPerSecond: limits.loginAttemptsPerIpPerSecond,
    refreshPerIpPerMinute: limits.refreshPerIpPerMinute,
    writesPerUserPerMinute: limits.writesPerUserPerMinute,
  };
}

export interface ThrottleOptions {
  /** Overrides of the configured policy (tests use small numbers). */
  policy?: Partial<ThrottlePolicy>;
  /** Where counters live; default: memory, or Redis when the configuration names one. */
  backend?: LimiterBackend;
  /** Redis key prefix of the default backend (tests use a unique one per run). */
  keyPrefix?: string;
  /** The password failures' durable count (the store's), read when the counters lost a pair's (see LoginThrottle). */
  durable?: DurableFailures;
}

export interface Throttles {
  readonly backend: LimiterBackend;
  readonly login: LoginThrottle;
  /** Second-factor codes, throttled like passwords, per user id + IP (its own counters). */
  readonly mfa: LoginThrottle;
  readonly refresh: RequestLimit;
  readonly write: RequestLimit;
  close(): Promise<void>;
}

export function createThrottles(
  limits: RateLimits,
  redisUrl: string | undefined,
  onThrottled: ThrottledListener,
  options: ThrottleOptions = {},
  onMfaThrottled: ThrottledListener = onThrottled,
): Throttles {
  const policy: ThrottlePolicy = { ...policyFromLimits(limits), ...options.policy };
  const backend = options.backend ?? defaultBackend(redisUrl, options.keyPrefix);
  return {
    backend,
    login: new LoginThrottle(backend, policy, onThrottled, 'login', options.durable),
    mfa: new LoginThrottle(backend, policy, onMfaThrottled, 'mfa'),
    refresh: new RequestLimit(
      backend.create({ name: 'refresh-ip', points: policy.refreshPerIpPerMinute, durationSeconds: 60 }),
    ),
    write: perUserWriteLimit(backend, policy.writesPerUserPerMinute),
    close: () => backend.close(),
  };
}
