import { resolve } from 'node:path';
import { SIGNING_ALGS, type JweKey, type SigningAlg } from '@bulwark/guard/jose';
import { ConfigError } from './errors.js';
import { checkTlsFiles } from './setting-files.js';
import { tokenEncryptionKey } from './token-encryption.js';
import {
  boolean,
  existingFile,
  httpUrl,
  integer,
  list,
  oneOf,
  read,
  secretBytes,
  trustedProxies,
  type Env,
} from './parsers.js';
import { metricsListener, type MetricsListenerConfig } from './metrics.js';
import { webAuthnConfig, type WebAuthnConfig } from './webauthn.js';
import { accountSettings, mailConfig, type AccountSettings, type MailConfig } from './mail.js';
import { databaseDeadlines, type DatabaseDeadlines } from './database.js';

export type ServeOnly = 'all' | 'auth' | 'payroll';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type Mode = 'development' | 'production';

/** Every setting of the product, parsed and validated. The only place defaults live. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  env: Mode;
  issuer: string;
  audience: string;
  /** undefined: SQLite file in the data dir. */
  databaseUrl: string | undefined;
  /** Deadlines of every database call (BULWARK_DB_*_TIMEOUT_MS). */
  databaseDeadlines: DatabaseDeadlines;
  /** undefined: in-process state. */
  redisUrl: string | undefined;
  signingAlg: SigningAlg;
  hs256Secret: Buffer | undefined;
  signingKeyFile: string | undefined;
  accessTokenTtlSeconds: number;
  sessionTtlSeconds: number;
  /** A used refresh token presented again within this many seconds answers the same successor; 0 = off. */
  refreshReuseWindowSeconds: number;
  clockSkewSeconds: number;
  /** 32-byte key-encryption key; undefined in development means a generated key file. */
  masterKey: Buffer | undefined;
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  /**
   * Proxies whose X-Forwarded-For/-Proto are believed: false (none), how many sit in front, or
   * their addresses. Only the hops named are trusted: the client is the address the outermost
   * trusted proxy saw, never an entry a client wrote itself.
   */
  trustProxy: false | number | string[];
  corsOrigins: string[];
  logLevel: LogLevel;
  demoSeed: boolean;
  /** Cache-Control max-age of the JWKS document. */
  jwksMaxAgeSeconds: number;
  /** Which part this process serves: both (default), the token service, or the payroll API. */
  serveOnly: ServeOnly;
  /** Where a payroll-only process fetches the token service's public keys. */
  jwksUrl: string | undefined;
  /** Least time between JWKS fetches caused by unknown kids (refetch-storm guard). */
  jwksCooldownSeconds: number;
  /**
   * Most unexpired DPoP proofs this process remembers (contract §13): full, it refuses new proofs
   * with a 503 and Retry-After rather than forget one early. Size: peak proofs/s × (60 + 2 × skew) s.
   */
  dpopReplayCacheMax: number;
  /** Scheduled key rotation: a `next` key once the active key is this old (seconds); 0 = off. */
  keyRotationIntervalSeconds: number;
  /** Rate limits (per window); the defaults suit one company's payroll. */
  limits: RateLimits;
  /** RFC 9470 step-up of payroll writes: a second factor (amr otp) within maxAgeSeconds; on by default in production. */
  stepUp: { payrollWrites: boolean; maxAgeSeconds: number };
  /**
   * BULWARK_TOKEN_ENCRYPTION_KEY_FILE: access tokens are signed, then encrypted to this key
   * (RFC 7516 nested JWT); every verifying process decrypts with it. undefined: signed only.
   */
  tokenEncryption: JweKey | undefined;
  /** The Prometheus /metrics listener (BULWARK_METRICS_PORT/HOST); undefined: none. */
  metrics: MetricsListenerConfig | undefined;
  /** Passkeys: the relying party (BULWARK_WEBAUTHN_RP_ID) and the accepted origins (BULWARK_WEBAUTHN_ORIGINS). */
  webauthn: WebAuthnConfig;
  /** Outgoing mail (BULWARK_SMTP_URL, BULWARK_MAIL_FROM, ...): SMTP, the development outbox, or off. */
  mail: MailConfig;
  /** Self-service accounts: sign-up mode and role, link lifetimes (issue #20). */
  accounts: AccountSettings;
}

/** What BULWARK_LOGIN_* / BULWARK_REFRESH_* / BULWARK_WRITES_* set. */
export interface RateLimits {
  /** Failed logins per username + IP per hour before the growing block starts. */
  loginFailuresPerUserIp: number;
  /** Failed logins per IP per day (guessing across accounts). */
  loginFailuresPerIp: number;
  /** Login attempts per IP per second. */
  loginAttemptsPerIpPerSecond: number;
  /** Refresh calls per IP per minute. */
  refreshPerIpPerMinute: number;
  /** Authenticated writes (POST/PUT/PATCH/DELETE) per user per minute. */
  writesPerUserPerMinute: number;
}

/** The login back-off windows; the counts they apply to are settable (RateLimits). */
/**
 * BULWARK_DPOP_REPLAY_CACHE_MAX's default: 4,166 proofs/s sustained over the 120 s a proof lives
 * with the default skew (more DPoP requests than one core verifies), about 55 MB when full (measured: 52 MiB of heap for 500,000).
 */
export const DPOP_REPLAY_CACHE_MAX_DEFAULT = 500_000;

export const LOGIN_BACKOFF = {
  /** Failures per username + IP are counted over this window. */
  failureWindowSeconds: 3_600,
  /** The first block; each further one doubles, up to maxBlockSeconds. */
  firstBlockSeconds: 30,
  maxBlockSeconds: 900,
  /** How long a username + IP pair's back-off level is remembered. */
  backoffMemorySeconds: 86_400,
} as const;

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const mode = oneOf<Mode>(env, 'BULWARK_ENV', 'development', ['development', 'production']);
  const signingAlg = oneOf<SigningAlg>(env, 'BULWARK_SIGNING_ALG', 'ES256', SIGNING_ALGS);
  const hs256Secret = secretBytes(env, 'BULWARK_HS256_SECRET', 32);
  if (signingAlg === 'HS256' && hs256Secret === undefined) {
    throw new ConfigError('BULWARK_HS256_SECRET', 'is required when BULWARK_SIGNING_ALG=HS256');
  }
  const accessTokenTtlSeconds = integer(env, 'BULWARK_ACCESS_TOKEN_TTL', 900, 30, 86_400);
  const sessionTtlSeconds = integer(env, 'BULWARK_SESSION_TTL', 28_800, 60, 30 * 86_400);
  if (sessionTtlSeconds < accessTokenTtlSeconds) {
    throw new ConfigError('BULWARK_SESSION_TTL', 'must be at least BULWARK_ACCESS_TOKEN_TTL');
  }
  const tlsCertFile = existingFile(env, 'BULWARK_TLS_CERT_FILE');
  const tlsKeyFile = existingFile(env, 'BULWARK_TLS_KEY_FILE');
  if ((tlsCertFile === undefined) !== (tlsKeyFile === undefined)) {
    throw new ConfigError(
      tlsCertFile === undefined ? 'BULWARK_TLS_CERT_FILE' : 'BULWARK_TLS_KEY_FILE',
      'must be set together with its pair',
    );
  }
  if (tlsCertFile !== undefined && tlsKeyFile !== undefined) checkTlsFiles(tlsCertFile, tlsKeyFile);
  const databaseUrl = read(env, 'BULWARK_DATABASE_URL');
  if (databaseUrl !== undefined && !/^(postgres(ql)?|sqlite):/.test(databaseUrl)) {
    throw new ConfigError('BULWARK_DATABASE_URL', 'must start with postgres://, postgresql:// or sqlite:');
  }
  const redisUrl = read(env, 'BULWARK_REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError('BULWARK_REDIS_URL', 'must start with redis:// or rediss://');
  }
  const trustProxy = trustedProxies(env, 'BULWARK_TRUST_PROXY');
  const masterKey = secretBytes(env, 'BULWARK_MASTER_KEY', 32);
  const demoSeed = boolean(env, 'BULWARK_DEMO', mode === 'development');

  if (mode === 'production') {
    if (tlsCertFile === undefined && trustProxy === false) {
      throw new ConfigError(
        'BULWARK_ENV',
        'production refuses plain HTTP: set BULWARK_TLS_CERT_FILE/BULWARK_TLS_KEY_FILE or BULWARK_TRUST_PROXY=1 behind a TLS proxy',
      );
    }
    if (masterKey === undefined) throw new ConfigError('BULWARK_MASTER_KEY', 'is required in production');
    if (demoSeed) throw new ConfigError('BULWARK_DEMO', 'the demo seed is refused in production');
  }

  const serveOnly = oneOf<ServeOnly>(env, 'BULWARK_SERVE_ONLY', 'all', ['all', 'auth', 'payroll']);
  const jwksUrl =
    read(env, 'BULWARK_JWKS_URL') === undefined ? undefined : jwksLocation(httpUrl(env, 'BULWARK_JWKS_URL', ''));
  if (serveOnly === 'payroll' && jwksUrl === undefined) {
    throw new ConfigError(
      'BULWARK_JWKS_URL',
      "is required when serving only payroll (the token service's /.well-known/jwks.json)",
    );
  }

  const keyRotationIntervalSeconds = integer(env, 'BULWARK_KEY_ROTATION_INTERVAL', 30 * 86_400, 0, 5 * 365 * 86_400);
  if (keyRotationIntervalSeconds > 0 && keyRotationIntervalSeconds < 3_600) {
    throw new ConfigError(
      'BULWARK_KEY_ROTATION_INTERVAL',
      `must be 0 (off) or at least 3600 seconds (got ${keyRotationIntervalSeconds})`,
    );
  }

  const issuer = httpUrl(env, 'BULWARK_ISSUER', `http://localhost:${port}`);
  const dataDir = resolve(read(env, 'BULWARK_DATA_DIR') ?? './data');
  const mail = mailConfig(env, mode, issuer, dataDir);

  return {
    port,
    host: read(env, 'HOST') ?? '127.0.0.1',
    dataDir,
    env: mode,
    issuer,
    audience: read(env, 'BULWARK_AUDIENCE') ?? 'payroll',
    databaseUrl,
    databaseDeadlines: databaseDeadlines(env),
    redisUrl,
    signingAlg,
    hs256Secret,
    signingKeyFile: existingFile(env, 'BULWARK_SIGNING_KEY_FILE'),
    accessTokenTtlSeconds,
    sessionTtlSeconds,
    refreshReuseWindowSeconds: integer(env, 'BULWARK_REFRESH_REUSE_WINDOW', 10, 0, 60),
    clockSkewSeconds: integer(env, 'BULWARK_CLOCK_SKEW', 30, 0, 300),
    masterKey,
    tlsCertFile,
    tlsKeyFile,
    trustProxy,
    corsOrigins: list(env, 'BULWARK_CORS_ORIGINS').map((origin) => corsOrigin(origin)),
    logLevel: oneOf<LogLevel>(env, 'BULWARK_LOG_LEVEL', 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ]),
    demoSeed,
    jwksMaxAgeSeconds: integer(env, 'BULWARK_JWKS_MAX_AGE', 300, 0, 86_400),
    serveOnly,
    jwksUrl,
    jwksCooldownSeconds: integer(env, 'BULWARK_JWKS_COOLDOWN', 30, 1, 3_600),
    dpopReplayCacheMax: integer(env, 'BULWARK_DPOP_REPLAY_CACHE_MAX', DPOP_REPLAY_CACHE_MAX_DEFAULT, 1_000, 50_000_000),
    keyRotationIntervalSeconds,
    limits: {
      loginFailuresPerUserIp: integer(env, 'BULWARK_LOGIN_FAILURES_PER_USER_IP', 5, 1, 1_000_000),
      loginFailuresPerIp: integer(env, 'BULWARK_LOGIN_FAILURES_PER_IP', 100, 1, 1_000_000),
      loginAttemptsPerIpPerSecond: integer(env, 'BULWARK_LOGIN_ATTEMPTS_PER_IP_PER_SECOND', 20, 1, 1_000_000),
      refreshPerIpPerMinute: integer(env, 'BULWARK_REFRESH_PER_IP_PER_MINUTE', 60, 1, 1_000_000),
      writesPerUserPerMinute: integer(env, 'BULWARK_WRITES_PER_USER_PER_MINUTE', 120, 1, 1_000_000),
    },
    stepUp: {
      payrollWrites: boolean(env, 'BULWARK_PAYROLL_WRITES_REQUIRE_MFA', mode === 'production'),
      maxAgeSeconds: integer(env, 'BULWARK_STEP_UP_MAX_AGE', 900, 30, 86_400),
    },
    tokenEncryption: tokenEncryptionKey(env),
    metrics: metricsListener(env, port),
    webauthn: webAuthnConfig(env, issuer, mode === 'production'),
    mail,
    accounts: accountSettings(env, mail),
  };
}

/** Keys are fetched only over https, or plain http to this machine (loopback). */
function jwksLocation(url: string): string {
  const { protocol, hostname } = new URL(url);
  const loopback = hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
  if (protocol !== 'https:' && !loopback)
    throw new ConfigError('BULWARK_JWKS_URL', 'must use https (plain http only to a loopback address)');
  return url;
}

function corsOrigin(origin: string): string {
  try {
    const url = new URL(origin);
    if (url.origin !== origin) throw new Error('not an origin');
    return origin;
  } catch {
    throw new ConfigError(
      'BULWARK_CORS_ORIGINS',
      `each entry must be an origin like https://app.example.com (got "${origin}")`,
    );
  }
}
