import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const strongSecret = randomBytes(32).toString('base64url');

function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be refused`);
}

describe('configuration (CONTRACT §2)', () => {
  it('has the contract defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.env, 'development');
    assert.equal(config.issuer, 'http://localhost:3000');
    assert.equal(config.audience, 'payroll');
    assert.equal(config.signingAlg, 'ES256');
    assert.equal(config.accessTokenTtlSeconds, 900);
    assert.equal(config.sessionTtlSeconds, 28_800);
    assert.equal(config.clockSkewSeconds, 30);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.demoSeed, true);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.redisUrl, undefined);
    assert.ok(config.dataDir.endsWith('/data'));
    assert.deepEqual(config.limits, {
      loginFailuresPerUserIp: 5,
      loginFailuresPerIp: 100,
      loginAttemptsPerIpPerSecond: 20,
      refreshPerIpPerMinute: 60,
      writesPerUserPerMinute: 120,
    });
  });

  it('reads every rate limit from the environment', () => {
    const { limits } = loadConfig({
      BULWARK_LOGIN_FAILURES_PER_USER_IP: '3',
      BULWARK_LOGIN_FAILURES_PER_IP: '50',
      BULWARK_LOGIN_ATTEMPTS_PER_IP_PER_SECOND: '7',
      BULWARK_REFRESH_PER_IP_PER_MINUTE: '30',
      BULWARK_WRITES_PER_USER_PER_MINUTE: '1000',
    });
    assert.deepEqual(limits, {
      loginFailuresPerUserIp: 3,
      loginFailuresPerIp: 50,
      loginAttemptsPerIpPerSecond: 7,
      refreshPerIpPerMinute: 30,
      writesPerUserPerMinute: 1000,
    });
  });

  it('derives the issuer from PORT and treats empty values as unset', () => {
    assert.equal(loadConfig({ PORT: '8080' }).issuer, 'http://localhost:8080');
    assert.equal(loadConfig({ PORT: '' }).port, 3000);
    assert.equal(loadConfig({ BULWARK_ISSUER: 'https://auth.example.com/' }).issuer, 'https://auth.example.com');
  });

  for (const [variable, value] of [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['BULWARK_ENV', 'staging'],
    ['BULWARK_SIGNING_ALG', 'none'],
    ['BULWARK_SIGNING_ALG', 'HS512'],
    ['BULWARK_ACCESS_TOKEN_TTL', '-5'],
    ['BULWARK_ACCESS_TOKEN_TTL', '9.5'],
    ['BULWARK_CLOCK_SKEW', '3600'],
    ['BULWARK_LOG_LEVEL', 'loud'],
    ['BULWARK_ISSUER', 'not a url'],
    ['BULWARK_ISSUER', 'ftp://x.example'],
    ['BULWARK_DATABASE_URL', 'mysql://x'],
    ['BULWARK_REDIS_URL', 'http://x'],
    ['BULWARK_DEMO', 'maybe'],
    ['BULWARK_CORS_ORIGINS', 'https://ok.example,https://bad.example/path'],
    ['BULWARK_TLS_CERT_FILE', '/no/such/file.pem'],
    ['BULWARK_SIGNING_KEY_FILE', '/no/such/key.pem'],
    ['BULWARK_LOGIN_FAILURES_PER_USER_IP', '0'],
    ['BULWARK_LOGIN_FAILURES_PER_IP', 'many'],
    ['BULWARK_LOGIN_ATTEMPTS_PER_IP_PER_SECOND', '-1'],
    ['BULWARK_REFRESH_PER_IP_PER_MINUTE', '1.5'],
    ['BULWARK_WRITES_PER_USER_PER_MINUTE', '0'],
  ] as const) {
    it(`refuses ${variable}=${value} with one line naming the variable`, () => {
      const error = refusal({ [variable]: value });
      assert.equal(error.variable, variable);
      assert.ok(error.message.startsWith(`${variable}: `));
      assert.ok(!error.message.includes('\n'));
    });
  }

  it('BULWARK_TRUST_PROXY: off, a number of proxies, or their addresses', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ BULWARK_TRUST_PROXY: '0' }).trustProxy, false);
    assert.equal(loadConfig({ BULWARK_TRUST_PROXY: '1' }).trustProxy, 1);
    assert.equal(loadConfig({ BULWARK_TRUST_PROXY: 'true' }).trustProxy, 1);
    assert.equal(loadConfig({ BULWARK_TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(loadConfig({ BULWARK_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1' }).trustProxy, [
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
    ]);
    for (const value of ['11', 'proxy.example', '10.0.0.0/33', '10.0.0.1/8/1', '::1/129']) {
      assert.equal(refusal({ BULWARK_TRUST_PROXY: value }).variable, 'BULWARK_TRUST_PROXY', value);
    }
  });

  it('refuses a session shorter than an access token', () => {
    assert.equal(
      refusal({ BULWARK_ACCESS_TOKEN_TTL: '3600', BULWARK_SESSION_TTL: '600' }).variable,
      'BULWARK_SESSION_TTL',
    );
  });

  it('requires a strong HS256 secret and never echoes it', () => {
    assert.equal(refusal({ BULWARK_SIGNING_ALG: 'HS256' }).variable, 'BULWARK_HS256_SECRET');
    const weak = [
      Buffer.from('my-super-secret-password-1234567').toString('base64url'),
      Buffer.alloc(32, 7).toString('base64url'),
      randomBytes(16).toString('base64url'),
      'not base64url!',
    ];
    for (const secret of weak) {
      const error = refusal({ BULWARK_SIGNING_ALG: 'HS256', BULWARK_HS256_SECRET: secret });
      assert.equal(error.variable, 'BULWARK_HS256_SECRET');
      assert.ok(!error.message.includes(secret));
    }
    const config = loadConfig({ BULWARK_SIGNING_ALG: 'HS256', BULWARK_HS256_SECRET: strongSecret });
    assert.equal(config.hs256Secret?.length, 32);
  });

  it('production refuses plain HTTP, a missing master key and the demo seed', () => {
    assert.equal(refusal({ BULWARK_ENV: 'production', BULWARK_MASTER_KEY: strongSecret }).variable, 'BULWARK_ENV');
    assert.equal(refusal({ BULWARK_ENV: 'production', BULWARK_TRUST_PROXY: '1' }).variable, 'BULWARK_MASTER_KEY');
    assert.equal(
      refusal({
        BULWARK_ENV: 'production',
        BULWARK_TRUST_PROXY: '1',
        BULWARK_MASTER_KEY: strongSecret,
        BULWARK_DEMO: '1',
      }).variable,
      'BULWARK_DEMO',
    );
    const config = loadConfig({
      BULWARK_ENV: 'production',
      BULWARK_TRUST_PROXY: '1',
      BULWARK_MASTER_KEY: strongSecret,
    });
    assert.equal(config.demoSeed, false);
  });
});
